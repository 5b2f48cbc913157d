"""Webhook throughput with wrk: Loket's signed, durable webhook against a bare FastAPI endpoint.

    python bench/wrk_bench.py [--database sqlite,postgresql] [--stages] [--duration 10]

Writes N distinct signed text webhooks from M residents into a file, then, in one run:
1. a bare FastAPI endpoint (`await request.body()`, 200) under uvicorn, driven by
   `wrk -t2 -c32 -d10s --latency -s bench/wrk_webhook.lua`: the limit of this machine, and proof
   that the generator is fast enough (below 5,000 req/s the bench stops: the figures would
   measure wrk, not Loket);
2. `loket serve --no-workers` in live mode on a fresh database (SQLite file; PostgreSQL: a new
   database on the server `--postgres` names, `synchronous_commit=on`), driven the same way.
It prints req/s, p50/p99 and the ratio, then counts the inbox rows: every request wrk saw
answered 2xx must be stored (non-2xx answers and socket errors are reported). `--stages` adds
the mean time per stage of a webhook request from Loket's own histograms
(`loket_webhook_stage_seconds`, read from /metrics).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from payloads import resident_wa_id, signed_line, text_message
from wrk_runner import (
    DEFAULT_POSTGRES,
    METRICS_TOKEN,
    ROOT,
    WrkResult,
    bare_server,
    fresh_database,
    loket_env,
    loket_server,
    run_wrk,
    scalar,
)

LUA = ROOT / "bench" / "wrk_webhook.lua"
MIN_BARE_RPS = 5000.0


def write_bodies(path: Path, count: int, residents: int, run: str) -> None:
    """`count` signed text webhooks; resident `i % residents` keeps one profile name."""
    with path.open("wb") as out:
        for i in range(count):
            who = i % residents
            text = f"halo, saya mau tanya soal KTP nomor {i}"
            body = text_message(resident_wa_id(who), f"Warga {who}", f"wamid.WRK{run}{i:08d}", text)
            out.write(signed_line(body))


def drive(name: str, url: str, bodies: Path, args: argparse.Namespace) -> WrkResult:
    script_args = [str(bodies), str(args.threads)]
    return run_wrk(
        name,
        url,
        LUA,
        script_args,
        threads=args.threads,
        connections=args.connections,
        duration=args.duration,
    )


def measure_bare(bodies: Path, tmp: Path, args: argparse.Namespace) -> WrkResult:
    with bare_server(tmp) as url:
        return drive("bare FastAPI", url, bodies, args)


def read_stages(port: int) -> dict[str, tuple[float, int]]:
    """Stage -> (seconds summed, count) from Loket's /metrics."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if not line.startswith("loket_webhook_stage_seconds_"):
            continue
        name, value = line.rsplit(" ", 1)
        stage = name.split('stage="', 1)[1].split('"', 1)[0]
        if name.startswith("loket_webhook_stage_seconds_sum"):
            sums[stage] = float(value)
        elif name.startswith("loket_webhook_stage_seconds_count"):
            counts[stage] = int(float(value))
    return {stage: (sums[stage], counts.get(stage, 0)) for stage in sums}


def measure_loket(
    backend: str, bodies: Path, tmp: Path, args: argparse.Namespace, root: Path = ROOT
) -> tuple[WrkResult, int, dict[str, tuple[float, int]]]:
    """`loket serve --no-workers` on a fresh database under wrk; (result, inbox rows, stages)."""
    name = f"loket/{backend}" + ("" if root == ROOT else f" ({root.name})")
    with fresh_database(backend, tmp, args.postgres) as database_url:
        # The Graph URL is a closed port: without workers nothing is sent.
        env = loket_env(database_url, tmp, "http://127.0.0.1:9", root)
        with loket_server(env, workers=False, root=root) as (proc, port):
            spy = None
            if args.profile:  # py-spy attached for the length of the wrk run
                out = f"{args.profile}.{backend}.txt"
                record = ["py-spy", "record", "-r", "100", "-f", "raw", "-o", out]
                spy = subprocess.Popen(
                    [*record, "-p", str(proc.pid), "-d", str(args.duration)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            result = drive(name, f"http://127.0.0.1:{port}/webhooks/whatsapp", bodies, args)
            if spy is not None:
                spy.wait(timeout=60)
            stages = read_stages(port) if args.stages else {}
        stored = scalar(database_url, "SELECT count(*) FROM inbound_event")
    return result, stored, stages


STAGE_ORDER = ("read", "signature", "parse", "store", "queue", "resolve", "write", "commit")
PER_BATCH = ("resolve", "write", "commit")


def print_stages(stages: dict[str, tuple[float, int]]) -> None:
    print("      per stage (mean ms; store = submit to commit, which holds queue..commit):")
    for stage in sorted(stages, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else 99):
        total, count = stages[stage]
        if count:
            unit = "per batch  " if stage in PER_BATCH else "per request"
            print(f"{stage:>18}: {total / count * 1000:8.3f} ms {unit} ({count} observations)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=80_000, help="distinct bodies")
    parser.add_argument("--residents", type=int, default=5_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--database", default="sqlite", help="comma-separated: sqlite, postgresql (default sqlite)"
    )
    parser.add_argument(
        "--postgres",
        default=DEFAULT_POSTGRES,
        help="PostgreSQL server for --database postgresql (a fresh database is created on it)",
    )
    parser.add_argument("--stages", action="store_true", help="print Loket's per-stage timings")
    parser.add_argument(
        "--profile", help="record Loket with py-spy (collapsed stacks) into PATH.<backend>.txt"
    )
    parser.add_argument(
        "--against",
        type=Path,
        help="also measure Loket from this source tree (e.g. an older commit), in the same run",
    )
    parser.add_argument(
        "--no-bare", action="store_true", help="skip the bare endpoint (profiling runs only)"
    )
    args, _unknown = parser.parse_known_args()  # scripts/bench passes the same options to all
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    backends = [b.strip() for b in args.database.split(",") if b.strip()]
    run = str(int(time.time()))
    print(
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.requests} distinct "
        f"signed bodies from {args.residents} residents; {os.cpu_count()} CPUs",
        flush=True,
    )
    failed = False
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bodies = tmp / "bodies.txt"
        write_bodies(bodies, args.requests, args.residents, run)
        bare = None if args.no_bare else measure_bare(bodies, tmp, args)
        if bare is not None:
            print(bare.line(), flush=True)
        if bare is not None and bare.per_second < MIN_BARE_RPS:
            print(
                f"FAILED: generator too slow for this machine: the bare endpoint reached "
                f"{bare.per_second:.0f} req/s, below {MIN_BARE_RPS:.0f}; figures would measure "
                "the load generator, not Loket",
                file=sys.stderr,
            )
            return 1
        trees = [ROOT] if args.against is None else [args.against.resolve(), ROOT]
        for backend, root in ((b, r) for b in backends for r in trees):
            loket, stored, stages = measure_loket(backend, bodies, tmp, args, root)
            print(loket.line(), flush=True)
            if bare is not None:
                ratio = loket.per_second / bare.per_second
                print(f"{'ratio':>18}: {ratio:.2f} (Loket / bare; target >= 0.5)")
            if stages:
                print_stages(stages)
            acknowledged = loket.ok if not loket.repeats else min(loket.ok, args.requests)
            print(f"{'stored':>18}: {stored} inbox rows for {loket.ok} answered 2xx", flush=True)
            if loket.repeats:
                print(f"{'':>18}  ({loket.repeats} requests repeated a body: raise --requests)")
            if stored < acknowledged:
                print(
                    f"FAILED: {acknowledged - stored} acknowledged messages missing ({backend})",
                    file=sys.stderr,
                )
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
