"""Every figure of issue 14 in one command: measured, its target, the ratio; into RESULTS.md.

    python bench/suite.py [--full] [--duration S] [--no-write]      # or: make bench [ARGS]

Quick by default (about 8 minutes on 2 cores): 10-second wrk runs, 300 messages per
conversation-step setup, 100,000 requests for the operators' listing. `--full` is the issue's
measurement (about 20 minutes): 60-second runs (80 msg/s for 60 s), 600 messages per setup,
1,000,000 requests. In order:

1. webhook only (bench/wrk_bench.py): bare FastAPI, then `loket serve --no-workers` on SQLite
   and on PostgreSQL, the same bodies and wrk command;
2. the whole service in one process (bench/service_bench.py): bare, 80 msg/s paced
   conversations with reply latency through a fake Graph, then saturation;
3. conversation steps (bench/scaleout_bench.py): an inbox filled in one transaction drained by
   one worker process on SQLite, and by one and two on PostgreSQL;
4. the operators' listing on PostgreSQL (bench/queue_bench.py).

Each ratio to the bare endpoint is taken within one bench (same run, same machine state). The
table is printed and written into bench/RESULTS.md between the `make-bench` markers (unless
`--no-write`). Exit status 0 even when a target is missed: the table says so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import md_tables
import queue_bench
import scaleout_bench
import service_bench
import wrk_bench
from wrk_runner import DEFAULT_POSTGRES, ROOT

RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN = "<!-- make-bench:begin -->"
END = "<!-- make-bench:end -->"


def webhook_only(args: argparse.Namespace) -> list[tuple[str, float, str, bool]]:
    """Rows of figure 1: Loket --no-workers / bare, on SQLite and PostgreSQL."""
    ns = argparse.Namespace(
        requests=args.requests,
        residents=5_000,
        duration=args.duration,
        threads=2,
        connections=32,
        postgres=args.postgres,
        stages=False,
        profile=None,
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="loket-suite-") as tmp_name:
        tmp = Path(tmp_name)
        bodies = tmp / "bodies.txt"
        wrk_bench.write_bodies(bodies, args.requests, 5_000, str(int(time.time())))
        bare = wrk_bench.measure_bare(bodies, tmp, ns)
        print(bare.line(), flush=True)
        rows.append(
            (
                "bare FastAPI endpoint (req/s; generator check)",
                bare.per_second,
                ">= 5000",
                bare.per_second >= wrk_bench.MIN_BARE_RPS,
            )
        )
        for backend in ("sqlite", "postgresql"):
            loket, stored, _ = wrk_bench.measure_loket(backend, bodies, tmp, ns)
            print(loket.line(), f"stored {stored}", flush=True)
            ratio = loket.per_second / bare.per_second
            label = f"webhook only, {backend}: {loket.per_second:.0f} req/s, x bare"
            rows.append((label, ratio, ">= 0.5", ratio >= 0.5 and stored >= loket.ok))
    return rows


def whole_service(args: argparse.Namespace) -> list[tuple[str, float, str, bool]]:
    """Rows of figures 2 and 4: paced 80 msg/s, reply latency, saturation."""
    ns = service_bench.parser().parse_args(
        ["--duration", str(args.duration), "--requests", str(args.requests)]
    )
    f = service_bench.summary(service_bench.measure(ns))
    rate = f"{ns.rate:g} msg/s for {args.duration} s"
    answered = f["paced_answered"] / max(1.0, f["paced_stored"])
    return [
        (
            f"whole service, paced: rate reached (asked {rate})",
            f["paced_rate"],
            f">= {ns.rate:g}",
            f["paced_rate"] >= ns.rate * 0.98,
        ),
        (
            "whole service, paced: webhook p99 (ms)",
            f["webhook_p99_ms"],
            "<= 250",
            f["webhook_p99_ms"] <= 250,
        ),
        (
            f"whole service, paced: answered within {service_bench.SETTLE_TIMEOUT:.0f} s after wrk "
            f"(of {f['paced_stored']:.0f} stored)",
            answered,
            "1.00",
            answered == 1.0,
        ),
        (
            "reply latency p50 (ms), webhook in -> Graph POST",
            f["reply_p50_ms"],
            "<= 30",
            f["reply_p50_ms"] <= 30,
        ),
        ("reply latency p99 (ms)", f["reply_p99_ms"], "<= 150", f["reply_p99_ms"] <= 150),
        (
            f"whole service at saturation: {f['saturated_rps']:.0f} acknowledged/s, x bare",
            f["saturated_ratio"],
            ">= 0.25",
            f["saturated_ratio"] >= 0.25,
        ),
        (
            "whole service at saturation: answered during the run (/s)",
            f["saturated_answered_per_s"],
            "-",
            True,
        ),
    ]


def steps(args: argparse.Namespace) -> list[tuple[str, float, str, bool]]:
    """Rows of figure 3: steps/s on SQLite (one process), two workers / one on PostgreSQL."""
    residents, each = args.step_residents, 3
    figures = {}
    with tempfile.TemporaryDirectory(prefix="loket-steps-") as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "sqlite").mkdir()
        url = f"sqlite+aiosqlite:///{tmp / 'sqlite' / 'loket.db'}"
        figures["sqlite"] = scaleout_bench.run_setup(
            "sqlite", url, 1, residents, each, tmp / "sqlite"
        )
        for workers in (1, 2):
            name = f"loket_bench_suite_{os.getpid()}_{workers}"
            url = scaleout_bench.postgres_database(args.postgres, name)
            if url is None:
                return [
                    (
                        "conversation steps/s, SQLite, one process",
                        figures["sqlite"].per_second,
                        ">= 300",
                        figures["sqlite"].per_second >= 300,
                    )
                ]
            folder = tmp / f"pg{workers}"
            folder.mkdir()
            try:
                figures[workers] = scaleout_bench.run_setup(
                    "postgresql", url, workers, residents, each, folder
                )
            finally:
                scaleout_bench.drop_database(args.postgres, name)
    for key, figure in figures.items():
        print(
            f"steps {key}: {figure.steps} in {figure.seconds:.1f} s = {figure.per_second:.1f}/s, "
            f"{figure.cores_busy:.2f} cores busy"
        )
    one, two = figures[1].per_second, figures[2].per_second
    cores = os.cpu_count() or 1
    return [
        (
            "conversation steps/s, SQLite, one process",
            figures["sqlite"].per_second,
            ">= 300",
            figures["sqlite"].per_second >= 300,
        ),
        (
            f"conversation steps, PostgreSQL: 2 workers / 1 ({two:.1f} / {one:.1f} steps/s)",
            two / one,
            ">= 1.7",
            two / one >= 1.7,
        ),
        (
            f"PostgreSQL, 2 workers: cores busy (workers and PostgreSQL) of {cores}; "
            f"1 worker: {figures[1].cores_busy:.2f}",
            figures[2].cores_busy,
            "-",
            True,
        ),
    ]


def listing(args: argparse.Namespace) -> list[tuple[str, float, str, bool]]:
    """Row of figure 6: the slowest operators' listing with `--rows` requests."""
    ns = argparse.Namespace(rows=args.rows, repeat=5, plans=False, postgres=args.postgres)
    figures: dict[str, float] = {}
    asyncio.run(queue_bench.run(ns, figures))
    if not figures:
        return []
    label = f"operators' listing, {args.rows:,} requests: slowest median (ms)"
    return [(label, figures["slowest_ms"], "<= 100", figures["slowest_ms"] <= 100)]


def render(rows: list[tuple[str, float, str, bool]], command: str, started: datetime) -> str:
    body = [
        (
            label,
            f"{value:,.2f}" if value < 100 else f"{value:,.0f}",
            target,
            "" if target == "-" else "met" if met else "**missed**",
        )
        for label, value, target, met in rows
    ]
    return "\n".join(
        [
            f"`{command}` — {started:%d %B %Y, %H:%M} UTC, {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f} at the end (shared machine: read the ratios).",
            "",
            md_tables.table(("figure", "measured", "target", ""), body),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="60 s runs, 1,000,000 requests")
    parser.add_argument("--duration", type=int, help="seconds per wrk run (10; --full: 60)")
    parser.add_argument(
        "--requests", type=int, help="distinct webhook bodies (80,000; --full: 200,000)"
    )
    parser.add_argument("--rows", type=int, help="listing requests (100,000; --full: 1,000,000)")
    parser.add_argument("--step-residents", type=int, help="x 3 messages (100; --full: 200)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    args = parser.parse_args()
    args.duration = args.duration or (60 if args.full else 10)
    # Enough bodies that a 60-second run does not come round to the first ones again (a repeat is
    # a duplicate delivery: answered, stored once, and not what the figure is about).
    args.requests = args.requests or (200_000 if args.full else 80_000)
    args.rows = args.rows or (1_000_000 if args.full else 100_000)
    args.step_residents = args.step_residents or (200 if args.full else 100)
    command = "make bench" + (" ARGS=--full" if args.full else "")
    started = datetime.now(UTC)
    print(f"{command}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for part in (webhook_only, whole_service, steps, listing):
        print(f"== {part.__doc__.splitlines()[0] if part.__doc__ else part.__name__}", flush=True)
        rows += part(args)
    text = render(rows, command, started)
    print(text)
    if not args.no_write:
        md_tables.replace_section(RESULTS, BEGIN, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
