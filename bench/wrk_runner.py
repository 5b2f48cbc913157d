"""Processes the wrk benches start: wrk itself, a bare endpoint, Loket on a fresh database.

Shared by bench/wrk_bench.py (webhook only) and bench/service_bench.py (the whole service):
`run_wrk` drives a URL with one of the Lua scripts in bench/ and reads the `WRK_JSON` line its
`done()` prints; `bare_server` is the FastAPI endpoint that only reads the body (the limit of the
machine); `fresh_database` and `loket_env` give Loket a new SQLite file or PostgreSQL database in
live mode, with the Graph API at the URL given (the bench's fake Meta, or a closed port).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from payloads import APP_SECRET, PHONE_NUMBER_ID

ROOT = Path(__file__).resolve().parents[1]
METRICS_TOKEN = "bench-metrics-token"
DEFAULT_POSTGRES = os.environ.get(
    "LOKET_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432"
)

BARE_APP = """
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
    """What one wrk run reported (its Lua script's `done()`)."""

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


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    """Poll `url` until it answers below 500; fail when `proc` exits first."""
    for _ in range(1200):
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


def run_wrk(
    name: str,
    url: str,
    script: Path,
    script_args: list[str],
    *,
    threads: int,
    connections: int,
    duration: int,
) -> WrkResult:
    """Run wrk with `script` against `url` and read the figures its `done()` printed."""
    command = [
        *("wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"),
        *("--latency", "-s", str(script), url, "--", *script_args),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("WRK_JSON "))
    data = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        name=name,
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        non_2xx=data["status"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        repeats=data.get("repeats", 0),
    )


def start(args: list[str], env: dict[str, str], root: Path = ROOT) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, env={**os.environ, **env}, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def bare_server(tmp: Path) -> Iterator[str]:
    """The bare FastAPI endpoint under uvicorn; yields its webhook URL."""
    (tmp / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    proc = start([*uvicorn, "--app-dir", str(tmp), "bare_app:app", "--port", str(port)], {})
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        yield f"http://127.0.0.1:{port}/webhooks/whatsapp"
    finally:
        stop(proc)


def pg_admin(server: str, statement: str) -> None:
    """Run one statement on the server's `postgres` database, outside a transaction."""
    import asyncpg  # type: ignore[import-untyped]

    async def run() -> None:
        dsn = server.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


@contextmanager
def fresh_database(backend: str, tmp: Path, postgres: str = DEFAULT_POSTGRES) -> Iterator[str]:
    """A new SQLite file or PostgreSQL database (dropped afterwards); yields its URL."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / f'loket-{uuid.uuid4().hex[:6]}.db'}"
        return
    server = postgres.rstrip("/")
    name = f"loket_bench_{uuid.uuid4().hex[:10]}"
    pg_admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scalar(database_url: str, statement: str) -> int:
    """One integer from `statement` on Loket's database (a count, after a run)."""
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.split("///", 1)[1]) as conn:
            return int(conn.execute(statement).fetchone()[0])
    import asyncpg

    async def run() -> int:
        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        try:
            return int(await conn.fetchval(statement))
        finally:
            await conn.close()

    return asyncio.run(run())


def loket_env(database_url: str, tmp: Path, graph_url: str, root: Path = ROOT) -> dict[str, str]:
    """Loket in live mode on `database_url`, sending to the Graph API at `graph_url`."""
    return {
        "DATABASE_URL": database_url,
        "LOCKER_URL": f"file:{tmp}/locker",
        "LOKET_VAR_DIR": f"{tmp}/var",
        "WHATSAPP_ACCESS_TOKEN": "bench-token",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "bench-verify",
        "WHATSAPP_API_BASE_URL": graph_url,
        "LOKET_SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
        "LOKET_METRICS_TOKEN": METRICS_TOKEN,
        "LOKET_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(root),
    }


def migrate(env: dict[str, str], root: Path = ROOT) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "migrate"],
        env={**os.environ, **env},
        cwd=root,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"migrate failed: {done.stderr[-2000:]}")


@contextmanager
def loket_server(
    env: dict[str, str], *, workers: bool, root: Path = ROOT
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`loket serve` (with its workers, or `--no-workers`) on a free port, migrated first."""
    migrate(env, root)
    port = free_port()
    serve = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    proc = start([*serve] if workers else [*serve, "--no-workers"], env, root)
    try:
        wait_ready(f"http://127.0.0.1:{port}/healthz", proc)
        yield proc, port
    finally:
        stop(proc)
