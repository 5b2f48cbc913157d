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
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

APP_SECRET = "bench-app-secret"
PHONE_NUMBER_ID = "106540352242922"
METRICS_TOKEN = "bench-metrics-token"
ROOT = Path(__file__).resolve().parents[1]
LUA = ROOT / "bench" / "wrk_webhook.lua"
MIN_BARE_RPS = 5000.0

BASELINE_APP = """
from fastapi import FastAPI, Request
from fastapi.responses import Response
app = FastAPI()
@app.post("/webhooks/whatsapp")
async def hook(request: Request):
    await request.body()
    return Response(status_code=200)
@app.get("/healthz")
async def health():
    return Response(status_code=200)
"""


@dataclass
class WrkResult:
    name: str
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p99_ms: float
    repeats: int

    @property
    def ok(self) -> int:
        return self.requests - self.non_2xx

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        return (
            f"{self.name:>18}: {self.per_second:8.0f} req/s   p50 {self.p50_ms:6.1f} ms   "
            f"p99 {self.p99_ms:7.1f} ms   2xx {self.ok}, non-2xx {self.non_2xx}, "
            f"socket errors {self.socket_errors}"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def payload(i: int, residents: int, run: str) -> bytes:
    """One text-message delivery; resident `i % residents` keeps one profile name."""
    who = i % residents
    wa_id = f"62812{who:07d}"
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": f"Warga {who}"}, "wa_id": wa_id}],
        "messages": [
            {
                "from": wa_id,
                "id": f"wamid.WRK{run}{i:08d}",
                "timestamp": str(int(time.time())),
                "type": "text",
                "text": {"body": f"halo, saya mau tanya soal KTP nomor {i}"},
            }
        ],
    }
    doc = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(APP_SECRET.encode(), body, hashlib.sha256).hexdigest()


def write_bodies(path: Path, count: int, residents: int, run: str) -> None:
    with path.open("wb") as out:
        for i in range(count):
            body = payload(i, residents, run)
            out.write(sign(body).encode() + b"\t" + body + b"\n")


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status < 500:
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server at {url} did not start")


def run_wrk(name: str, url: str, bodies: Path, args: argparse.Namespace) -> WrkResult:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
        url,
        "--",
        str(bodies),
        str(args.threads),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    socket_errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return WrkResult(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        non_2xx=data["status"],
        socket_errors=socket_errors,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        repeats=data["repeats"],
    )


def start(args: list[str], env: dict[str, str], root: Path = ROOT) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, env={**os.environ, **env}, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure_bare(bodies: Path, tmp: Path, args: argparse.Namespace) -> WrkResult:
    (tmp / "bare_app.py").write_text(BASELINE_APP)
    port = free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    proc = start([*uvicorn, "--app-dir", str(tmp), "bare_app:app", "--port", str(port)], {})
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        return run_wrk("bare FastAPI", f"http://127.0.0.1:{port}/webhooks/whatsapp", bodies, args)
    finally:
        stop(proc)


def pg_admin(server: str, statement: str) -> None:
    """Run one statement on the server's `postgres` database, outside a transaction."""
    import asyncio

    import asyncpg  # type: ignore[import-untyped]

    async def run() -> None:
        dsn = server.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def count_inbox(database_url: str) -> int:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.split("///", 1)[1]) as conn:
            return int(conn.execute("SELECT count(*) FROM inbound_event").fetchone()[0])
    import asyncio

    import asyncpg

    async def run() -> int:
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            return int(await conn.fetchval("SELECT count(*) FROM inbound_event"))
        finally:
            await conn.close()

    return asyncio.run(run())


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
    name = f"loket/{backend}" + ("" if root == ROOT else f" ({root.name})")
    dropper = None
    if backend == "sqlite":
        database_url = f"sqlite+aiosqlite:///{tmp / f'loket-{uuid.uuid4().hex[:6]}.db'}"
    else:
        server = args.postgres.rstrip("/")
        db_name = f"loket_bench_{uuid.uuid4().hex[:10]}"
        pg_admin(server, f'CREATE DATABASE "{db_name}"')
        database_url = f"{server}/{db_name}"

        def dropper() -> None:
            pg_admin(server, f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')

    env = {
        "DATABASE_URL": database_url,
        "LOCKER_URL": f"file:{tmp}/locker",
        "LOKET_VAR_DIR": f"{tmp}/var",
        "WHATSAPP_ACCESS_TOKEN": "bench-token",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "bench-verify",
        "WHATSAPP_API_BASE_URL": "http://127.0.0.1:9",  # never reached: no workers run
        "LOKET_SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
        "LOKET_METRICS_TOKEN": METRICS_TOKEN,
        "LOKET_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(root),
    }
    try:
        migrate = subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"],
            env={**os.environ, **env},
            cwd=root,
            capture_output=True,
            text=True,
        )
        if migrate.returncode != 0:
            raise RuntimeError(f"migrate failed: {migrate.stderr[-2000:]}")
        port = free_port()
        serve = [sys.executable, "-m", "app.cli", "serve", "--no-workers", "--port", str(port)]
        proc = start(serve, env, root)
        spy = None
        try:
            wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
            if args.profile:  # py-spy attached for the length of the wrk run
                out = f"{args.profile}.{backend}.txt"
                record = ["py-spy", "record", "-r", "100", "-f", "raw", "-o", out]
                spy = subprocess.Popen(
                    [*record, "-p", str(proc.pid), "-d", str(args.duration)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            result = run_wrk(name, f"http://127.0.0.1:{port}/webhooks/whatsapp", bodies, args)
            if spy is not None:
                spy.wait(timeout=60)
            stages = read_stages(port) if args.stages else {}
        finally:
            stop(proc)
        stored = count_inbox(database_url)
    finally:
        if dropper is not None:
            dropper()
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
        default=os.environ.get(
            "LOKET_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432"
        ),
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
