"""Webhook ingest benchmark: Loket's signed, durable webhook against a bare FastAPI endpoint.

    python bench/webhook_bench.py [--requests 4000] [--concurrency 64]

Both servers run as separate uvicorn processes on 127.0.0.1, one after the other, driven by the
same async client sending the same number of unique, signed text-message payloads. The baseline is
a FastAPI endpoint that reads the body and answers 200 (no signature check, no storage). Loket runs
in live mode on a fresh SQLite file with WAL and synchronous=FULL (each acknowledged batch is
fsynced). After the run every acknowledged message id is looked up in the inbox.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from payloads import APP_SECRET, PHONE_NUMBER_ID, resident_wa_id, sign, text_message

ROOT = Path(__file__).resolve().parents[1]

BASELINE_APP = """
from fastapi import FastAPI, Request
app = FastAPI()
@app.post("/webhooks/whatsapp")
async def hook(request: Request):
    await request.body()
    return {"status": "ok"}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def payload(i: int, run: str) -> bytes:
    """Message `i` of the run: 500 distinct residents, each keeping one profile name."""
    who = i % 500
    return text_message(
        resident_wa_id(who), f"Warga {who}", f"wamid.BENCH{run}{i:08d}", f"halo {i}"
    )


async def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            try:
                if (await client.get(url)).status_code < 500:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"server at {url} did not start")


async def drive(base: str, bodies: list[bytes], concurrency: int) -> tuple[float, list[float], int]:
    """Send every body once, `concurrency` at a time; return (seconds, latencies, ok)."""
    latencies: list[float] = []
    ok = 0
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            nonlocal ok
            while not queue.empty():
                body = queue.get_nowait()
                headers = {"content-type": "application/json", "x-hub-signature-256": sign(body)}
                started = time.perf_counter()
                response = await client.post("/webhooks/whatsapp", content=body, headers=headers)
                latencies.append(time.perf_counter() - started)
                ok += response.status_code == 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, ok


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        args, env={**os.environ, **env}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


async def measure(name: str, proc: subprocess.Popen[bytes], port: int, bodies, concurrency):
    base = f"http://127.0.0.1:{port}"
    try:
        await wait_ready(base + "/healthz" if name == "loket" else base + "/docs", proc)
        await drive(base, bodies[:200], concurrency)  # warm-up (not counted)
        elapsed, latencies, ok = await drive(base, bodies[200:], concurrency)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    latencies.sort()
    result = {
        "name": name,
        "requests": len(bodies) - 200,
        "ok": ok,
        "per_second": (len(bodies) - 200) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }
    print(
        f"{name:>9}: {result['per_second']:8.0f} msg/s   p50 {result['p50_ms']:6.1f} ms   "
        f"p99 {result['p99_ms']:6.1f} ms   ({ok}/{result['requests']} answered 200)",
        flush=True,
    )
    return result


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    run = str(int(time.time()))
    bodies = [payload(i, run) for i in range(args.requests + 200)]
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "baseline_app.py").write_text(BASELINE_APP)
        port = free_port()
        proc = start([*uvicorn, "--app-dir", tmp, "baseline_app:app", "--port", str(port)], {})
        baseline = await measure("baseline", proc, port, bodies, args.concurrency)

        db = Path(tmp) / "loket.db"
        env = {
            "DATABASE_URL": f"sqlite+aiosqlite:///{db}",
            "LOCKER_URL": f"file:{tmp}/locker",
            "LOKET_VAR_DIR": f"{tmp}/var",
            "WHATSAPP_ACCESS_TOKEN": "bench-token",
            "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": APP_SECRET,
            "WHATSAPP_VERIFY_TOKEN": "bench-verify",
            "WHATSAPP_API_BASE_URL": "http://127.0.0.1:9",  # never reached: no workers run
            "LOKET_SECRET_KEY": "bench-secret-key-of-at-least-32-bytes",
            "LOKET_LOG_LEVEL": "WARNING",
        }
        migrate = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "app.cli", "migrate"],
            env={**os.environ, **env},
            cwd=ROOT,
            capture_output=True,
        )
        if migrate.returncode != 0:
            return 1
        port = free_port()
        serve = [sys.executable, "-m", "app.cli", "serve", "--no-workers", "--port", str(port)]
        loket = await measure("loket", start(serve, env), port, bodies, args.concurrency)

        with sqlite3.connect(db) as conn:
            stored = {row[0] for row in conn.execute("SELECT external_id FROM inbound_event")}
    expected = {f"wamid.BENCH{run}{i:08d}" for i in range(len(bodies))}
    missing = expected - stored
    ratio = loket["per_second"] / baseline["per_second"]
    print(f"    ratio: {ratio:.2f} (Loket / baseline; target >= 0.5)")
    print(f"   stored: {len(stored & expected)}/{len(expected)} acknowledged messages in the inbox")
    if missing or loket["ok"] != loket["requests"]:
        print(
            f"FAILED: {len(missing)} acknowledged messages missing from the inbox", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
