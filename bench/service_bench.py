"""The whole service in one process: paced conversations, reply latency, saturation.

    python bench/service_bench.py [--duration 10] [--rate 80] [--gap 3]

`loket serve` with its workers (what `make run` starts) on a fresh SQLite file in live mode,
sending to a fake Graph API owned by the bench (bench/fake_graph.py, a separate process that
answers like Meta and logs every POST with its wall-clock time). Residents each send a greeting,
then `--gap` seconds later a service in their own words, signed as Meta signs them; wrk sends
them in that order at `--rate` messages/s (bench/wrk_paced.lua: delay() gives every request its
slot on a fixed timeline and logs when it was sent). Measured:

1. paced: webhook p50/p99 (wrk), every message answered (a reply joined to its inbound message
   through the outbox's `caused_by_event_id` and the wamid the fake Graph gave it), and reply
   latency, send → first reply POST at the fake Graph, p50/p99 (wall clocks of one machine);
2. saturation: the same service without pacing for `--duration` s, acknowledged messages/s and
   messages answered during the run, as ratios to the bare endpoint driven the same way in
   the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from payloads import resident_wa_id, signed_line, text_message
from reply_matching import answered_at, percentile, query, replies, sends
from wrk_runner import (
    ROOT,
    WrkResult,
    bare_server,
    free_port,
    fresh_database,
    loket_env,
    loket_server,
    run_wrk,
    scalar,
)

PACED_LUA = ROOT / "bench" / "wrk_paced.lua"
FREE_LUA = ROOT / "bench" / "wrk_webhook.lua"
FAKE_GRAPH = ROOT / "bench" / "fake_graph.py"
GREETINGS = ("halo", "selamat pagi", "permisi, mau tanya", "assalamualaikum")
CHOICES = (
    "ktp saya hilang",
    "mau urus kk, kk saya hilang",
    "mau urus surat pindah",
    "mau buat kia",
)
SETTLE_TIMEOUT = 180.0


@dataclass
class Paced:
    """The paced run: wrk's figures, what was sent and what was answered, reply latencies."""

    wrk: WrkResult
    sent: int
    stored: int  # acknowledged, or stored while wrk was stopping
    answered: int
    latencies_ms: list[float]
    settle_seconds: float
    span_seconds: float  # first send to last send

    @property
    def rate(self) -> float:
        return (self.sent - 1) / self.span_seconds

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)


@dataclass
class Saturated:
    """The unpaced run: acknowledged per second, and answered within the run."""

    wrk: WrkResult
    answered_in_run: int

    @property
    def answered_per_second(self) -> float:
        return self.answered_in_run / self.wrk.seconds


def write_conversations(path: Path, count: int, per_block: int, run: str, *, keyed: bool) -> None:
    """`count` messages in sending order: a block of greetings from `per_block` new residents,
    then a block of their service choices, and again (so a choice follows its greeting by one
    block, `--gap` seconds at the paced rate). `keyed` lines start with the message's wamid
    (bench/wrk_paced.lua logs it); otherwise they are what bench/wrk_webhook.lua reads."""
    with path.open("wb") as out:
        line = 0
        block = 0
        while line < count:
            for seq, texts in enumerate((GREETINGS, CHOICES)):
                for k in range(per_block):
                    if line == count:
                        return
                    who = block * per_block + k
                    wa_id = resident_wa_id(who, prefix="62813")
                    key = f"wamid.SVC{run}.{wa_id}.{seq}"
                    body = text_message(wa_id, f"Warga {who}", key, texts[who % len(texts)])
                    out.write((key.encode() + b"\t" if keyed else b"") + signed_line(body))
                    line += 1
            block += 1


@contextmanager
def fake_graph(log: Path) -> Iterator[str]:
    """bench/fake_graph.py on a free port; yields its base URL (WHATSAPP_API_BASE_URL)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(FAKE_GRAPH), str(port), str(log)])
    try:
        for _ in range(200):
            if log.exists():
                break
            time.sleep(0.05)
        time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def drive(name: str, url: str, bodies: Path, sendlog: Path | None, args) -> WrkResult:
    """wrk against `url`: paced at `--rate` with a send log, or unpaced (`sendlog` None)."""
    script, script_args = FREE_LUA, [str(bodies), str(args.threads)]
    connections = args.connections
    if sendlog is not None:
        script, connections = PACED_LUA, args.paced_connections
        script_args = [*script_args, str(args.rate), str(sendlog)]
    return run_wrk(
        name,
        url,
        script,
        script_args,
        threads=args.threads,
        connections=connections,
        duration=args.duration,
    )


def settle(database_url: str) -> float:
    """Wait until every stored message is processed and no reply is waiting; seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_TIMEOUT:
        left = scalar(
            database_url, "SELECT count(*) FROM inbound_event WHERE processed_at IS NULL"
        ) + scalar(database_url, "SELECT count(*) FROM outbound_message WHERE state = 'pending'")
        if not left:
            break
        time.sleep(0.25)
    return time.monotonic() - started


# Meta's throughput per number counts inbound and outbound messages together: a number at the
# default 80 msg/s that receives 80 a second has nothing left to answer with, and Loket paces
# its sends to the number's tier (LOKET_SEND_RATE_PER_SECOND, 80 by default). 80 conversations
# a second is a top-tier number's load (up to 1,000 msg/s), so the bench runs as one.
TOP_TIER = {"LOKET_SEND_RATE_PER_SECOND": "1000"}


def measure_paced(bodies: Path, tmp: Path, args) -> Paced:
    run_dir = tmp / "paced"
    run_dir.mkdir()
    with fresh_database("sqlite", run_dir) as database_url:
        with fake_graph(run_dir / "graph.log") as graph_url:
            env = loket_env(database_url, run_dir, graph_url) | TOP_TIER
            with loket_server(env, workers=True) as (_proc, port):
                url = f"http://127.0.0.1:{port}/webhooks/whatsapp"
                name = f"loket paced {args.rate:g}/s"
                result = drive(name, url, bodies, run_dir / "sent", args)
                settled = settle(database_url)
        sent = sends(run_dir / "sent")
        stored = {key for (key,) in query(database_url, "SELECT external_id FROM inbound_event")}
        answered = answered_at(replies(database_url, run_dir / "graph.log"), stored)
    latencies = [(answered[key] - at) / 1000 for key, at in sent.items() if key in answered]
    span = (max(sent.values()) - min(sent.values())) / 1e6 if len(sent) > 1 else 1.0
    return Paced(result, len(sent), len(stored), len(latencies), latencies, settled, span)


def measure_saturated(bodies: Path, tmp: Path, args) -> Saturated:
    run_dir = tmp / "saturated"
    run_dir.mkdir()
    with fresh_database("sqlite", run_dir) as database_url:
        with fake_graph(run_dir / "graph.log") as graph_url:
            env = loket_env(database_url, run_dir, graph_url) | TOP_TIER
            with loket_server(env, workers=True) as (_proc, port):
                url = f"http://127.0.0.1:{port}/webhooks/whatsapp"
                result = drive("loket saturated", url, bodies, None, args)
                # Answered while wrk ran: messages with a reply POSTed before its end.
                ended = time.time_ns() // 1000
        first = replies(database_url, run_dir / "graph.log")
    return Saturated(result, sum(1 for at in first.values() if at <= ended))


def measure_bare(bodies: Path, tmp: Path, args) -> WrkResult:
    run_dir = tmp / "bare"
    run_dir.mkdir()
    with bare_server(run_dir) as url:
        return drive("bare FastAPI", url, bodies, None, args)


def measure(args) -> dict[str, object]:
    """Bare, paced and saturated runs in one go; the figures as a dict (see main)."""
    run = str(int(time.time()))
    with tempfile.TemporaryDirectory(prefix="loket-service-") as tmp_name:
        tmp = Path(tmp_name)
        paced_bodies, free_bodies = tmp / "paced.txt", tmp / "free.txt"
        count = int(args.rate * (args.duration + 2))
        per_block = max(1, int(args.rate * args.gap))
        write_conversations(paced_bodies, count, per_block, run, keyed=True)
        write_conversations(free_bodies, args.requests, 500, run + "f", keyed=False)
        bare = measure_bare(free_bodies, tmp, args)
        print(bare.line(), flush=True)
        paced = measure_paced(paced_bodies, tmp, args)
        print(paced.wrk.line(), flush=True)
        saturated = measure_saturated(free_bodies, tmp, args)
        print(saturated.wrk.line(), flush=True)
    return {"bare": bare, "paced": paced, "saturated": saturated}


def report(figures: dict[str, object], args) -> list[str]:
    """Human-readable lines of the figures, with targets."""
    bare, paced, sat = figures["bare"], figures["paced"], figures["saturated"]
    assert isinstance(bare, WrkResult) and isinstance(paced, Paced) and isinstance(sat, Saturated)
    achieved = paced.rate
    return [
        f"paced: {paced.sent} messages sent in {paced.wrk.seconds:.1f} s ({achieved:.1f}/s, "
        f"asked {args.rate:g}/s); webhook p50 {paced.wrk.p50_ms:.1f} ms, "
        f"p99 {paced.wrk.p99_ms:.1f} ms (target p99 <= 250 ms)",
        f"answered: {paced.answered} of {paced.stored} stored, {paced.sent} sent "
        f"(settled {paced.settle_seconds:.1f} s "
        f"after wrk stopped); non-2xx {paced.wrk.non_2xx}, socket errors "
        f"{paced.wrk.socket_errors}",
        f"reply latency: p50 {paced.percentile(50):.1f} ms (target <= 30), "
        f"p99 {paced.percentile(99):.1f} ms (target <= 150)",
        f"saturation: {sat.wrk.per_second:.0f} acknowledged/s = "
        f"{sat.wrk.per_second / bare.per_second:.2f} x bare (target >= 0.25); "
        f"{sat.answered_per_second:.1f} answered/s during the run",
    ]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--rate", type=float, default=80.0, help="messages/s of the paced run")
    p.add_argument("--gap", type=float, default=3.0, help="seconds from greeting to choice")
    p.add_argument("--requests", type=int, default=80_000, help="bodies for the unpaced runs")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--connections", type=int, default=32, help="unpaced runs (as wrk_bench.py)")
    p.add_argument(
        "--paced-connections",
        type=int,
        default=160,
        help="paced run: enough that slow answers do not hold the rate back",
    )
    p.add_argument("--json", type=Path, help="also write the figures as JSON here")
    return p


def main() -> int:
    args, _unknown = parser().parse_known_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    figures = measure(args)
    for line in report(figures, args):
        print(line)
    paced = figures["paced"]
    assert isinstance(paced, Paced)
    if args.json:
        args.json.write_text(json.dumps(summary(figures), indent=2))
    return 0 if paced.answered == paced.stored else 1


def summary(figures: dict[str, object]) -> dict[str, float]:
    """The figures bench/issue14.py tabulates."""
    bare, paced, sat = figures["bare"], figures["paced"], figures["saturated"]
    assert isinstance(bare, WrkResult) and isinstance(paced, Paced) and isinstance(sat, Saturated)
    return {
        "bare_rps": bare.per_second,
        "paced_rate": paced.rate,
        "paced_sent": paced.sent,
        "paced_stored": paced.stored,
        "paced_answered": paced.answered,
        "webhook_p50_ms": paced.wrk.p50_ms,
        "webhook_p99_ms": paced.wrk.p99_ms,
        "reply_p50_ms": paced.percentile(50),
        "reply_p99_ms": paced.percentile(99),
        "saturated_rps": sat.wrk.per_second,
        "saturated_ratio": sat.wrk.per_second / bare.per_second,
        "saturated_answered_per_s": sat.answered_per_second,
    }


if __name__ == "__main__":
    sys.exit(main())
