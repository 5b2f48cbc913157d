"""Locker benchmark: a 100 MB PDF from a fake Graph API into the locker, on disk and on S3.

    python bench/locker_bench.py [--mb 100]

Each locker run is the production path, `ingest_media`, against a fake Graph API (a real HTTP
server on 127.0.0.1 in a child process); S3 is moto's server in another child process. Baseline:
the same bytes streamed with plain httpx to /dev/null. Printed per run: seconds, MB/s, the growth
of this process's peak RSS (target: at most 32 MB) and the ratio to the baseline. See
bench/README_locker.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token"
MEDIA_ID = "1234567890"
RSS_TARGET_MB = 32.0
BENCH_KEY = base64.b64encode(bytes(range(32))).decode()
_DRAWING = b"0 0 m 595 842 l S\n"
_MOTO = """
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
"""


def pdf_parts(content_size: int) -> tuple[bytes, bytes]:
    """Head and tail of a one-page PDF whose content stream is `content_size` bytes long."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    head = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(head))
        head += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets.append(len(head))
    head += b"4 0 obj\n<< /Length %d >>\nstream\n" % content_size
    tail = bytearray(b"\nendstream\nendobj\n")
    xref_at = len(head) + content_size + len(tail)
    tail += b"xref\n0 5\n0000000000 65535 f \n"
    tail += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    tail += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(head), bytes(tail)


def pdf_blocks(content_size: int, block_size: int = 1024 * 1024) -> Iterator[bytes]:
    """The PDF in blocks, generated as they are asked for: the whole file is never in memory."""
    head, tail = pdf_parts(content_size)
    block = (_DRAWING * (block_size // len(_DRAWING) + 1))[:block_size]
    yield head
    sent = 0
    while sent < content_size:
        take = min(block_size, content_size - sent)
        yield block if take == block_size else block[:take]
        sent += take
    yield tail


def serve_graph(content_size: int) -> None:
    """Child process: the fake Graph API. Prints its port, serves until stdin closes."""
    digest, total = hashlib.sha256(), 0
    for block in pdf_blocks(content_size):
        digest.update(block)
        total += len(block)
    sha_b64 = base64.b64encode(digest.digest()).decode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            if self.path.startswith(f"/v25.0/{MEDIA_ID}"):
                answer = {
                    "messaging_product": "whatsapp",
                    "url": f"http://{self.headers['Host']}/media/{MEDIA_ID}",
                    "mime_type": "application/pdf",
                    "sha256": sha_b64,
                    "file_size": str(total),
                    "id": MEDIA_ID,
                }
                body = json.dumps(answer).encode()
                self._answer(200, "application/json", [body], len(body))
            elif self.path == f"/media/{MEDIA_ID}":
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self._answer(401, "text/plain", [b"no token"], 8)
                else:
                    self._answer(200, "application/pdf", pdf_blocks(content_size), total)
            else:
                self._answer(404, "text/plain", [b"not found"], 9)

        def _answer(self, status: int, kind: str, blocks: Iterable[bytes], length: int) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            for block in blocks:
                self.wfile.write(block)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    server.shutdown()


def start_child(args: list[str]) -> tuple[subprocess.Popen[str], int]:
    child = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    return child, int(child.stdout.readline())


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak_rss() -> None:
    """Reset VmHWM (this process's peak RSS) to its current RSS (Linux, `clear_refs` 5)."""
    Path("/proc/self/clear_refs").write_text("5")


async def measure(run: Callable[[], Awaitable[int]]) -> tuple[float, int, float]:
    """Run once; return (seconds, bytes moved, peak RSS growth in MB) for this run alone."""
    gc.collect()
    reset_peak_rss()
    before = rss_kb("VmRSS")
    started = time.perf_counter()
    moved = await run()
    seconds = time.perf_counter() - started
    return seconds, moved, (rss_kb("VmHWM") - before) / 1024


class HttpGraph:
    """A `MediaSource` over HTTP, shaped like the real Graph client."""

    def __init__(self, base: str, client: httpx.AsyncClient) -> None:
        self.base, self.client = base, client

    async def get_media(self, media_id: str):  # type: ignore[no-untyped-def]
        from app.locker import MediaInfo

        answer = (await self.client.get(f"{self.base}/v25.0/{media_id}")).json()
        return MediaInfo(answer["url"], answer["mime_type"], answer["sha256"], answer["file_size"])

    @asynccontextmanager
    async def stream_media(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        from app.locker import MediaUrlExpired

        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code in (401, 404):
                raise MediaUrlExpired(url)
            response.raise_for_status()
            yield response.aiter_raw()


Row = tuple[str, float, int, float]


async def run_all(work: Path, graph_port: int, moto_port: int) -> list[Row]:
    """The baseline, then one ingest per locker target; each measured on its own."""
    from app.db import create_engine, create_sessionmaker, migrate
    from app.locker import BlobStore, DocumentRequirement, LockerPolicy, ingest_media
    from app.locker.factory import open_store
    from app.locker.s3_backend import S3Backend
    from app.residents.models import Resident

    url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        session.add(resident := Resident(wa_id="6280000000001", name="Bench"))
        await session.commit()
    rows: list[Row] = []
    async with httpx.AsyncClient(timeout=60) as client:
        source = HttpGraph(f"http://127.0.0.1:{graph_port}", client)
        media_url = (await source.get_media(MEDIA_ID)).url

        async def baseline() -> int:
            moved = 0
            with open(os.devnull, "wb") as sink:  # noqa: ASYNC230 - /dev/null never blocks
                async with source.stream_media(media_url) as chunks:
                    async for chunk in chunks:
                        sink.write(chunk)
                        moved += len(chunk)
            return moved

        await baseline()  # warm up the connection and the server
        rows.append(("httpx → /dev/null", *await measure(baseline)))
        policy = LockerPolicy(spool_dir=work)
        targets = [
            ("locker: file", f"file:{work / 'locker'}", None, None),
            ("locker: file, encrypted", f"file:{work / 'locker-enc'}", None, BENCH_KEY),
            ("locker: S3 (moto)", "s3://bench/locker", f"http://127.0.0.1:{moto_port}", None),
        ]
        for index, (label, locker_url, endpoint, key) in enumerate(targets):
            store = open_store(locker_url, encryption_key=key, s3_endpoint_url=endpoint)
            if isinstance(store.backend, S3Backend):
                # Creating the bucket also loads the S3 client's models before measuring.
                await (await store.backend.client()).create_bucket(Bucket="bench")
            requirement = DocumentRequirement(f"doc{index}")  # a new document on each run

            async def ingest(
                store: BlobStore = store,
                requirement: DocumentRequirement = requirement,
                label: str = label,
            ) -> int:
                async with sessions() as session:
                    document = await ingest_media(
                        session, store, source, resident_id=resident.id,
                        requirement=requirement, media_id=MEDIA_ID, policy=policy,
                        media_kind="document",
                    )  # fmt: skip
                if document.status != "accepted":
                    raise RuntimeError(f"{label}: {document.status} {document.reason}")
                return int(document.size or 0)

            rows.append((label, *await measure(ingest)))
            await store.aclose()
    await engine.dispose()
    return rows


def report(content_mb: int, rows: list[Row]) -> int:
    """Print the table; exit status 1 when a locker run grew the peak RSS past the target."""
    base_rate = rows[0][2] / rows[0][1] / 1e6
    print(f"{content_mb} MB PDF from a fake Graph API (127.0.0.1), one run each\n")
    print(f"{'run':26} {'seconds':>8} {'MB/s':>8} {'peak RSS +MB':>13} {'vs baseline':>12}")
    worst = 0.0
    for label, seconds, moved, growth in rows:
        rate = moved / seconds / 1e6
        print(f"{label:26} {seconds:8.2f} {rate:8.1f} {growth:13.1f} {rate / base_rate:12.2f}")
        if label.startswith("locker"):
            worst = max(worst, growth)
    verdict = "within" if worst <= RSS_TARGET_MB else "OVER"
    print(
        f"\npeak RSS growth of the locker runs: {worst:.1f} MB "
        f"({verdict} the {RSS_TARGET_MB:g} MB target)"
    )
    return 0 if worst <= RSS_TARGET_MB else 1


async def bench(content_mb: int) -> int:
    import structlog

    # The locker logs every accepted document at INFO; keep the table readable.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    work = Path(tempfile.mkdtemp(prefix="loket-locker-bench-"))
    children: list[subprocess.Popen[str]] = []
    try:
        graph, graph_port = start_child([__file__, "--serve-graph", str(content_mb * 1_000_000)])
        children.append(graph)
        moto, moto_port = start_child(["-c", _MOTO])
        children.append(moto)
        rows = await run_all(work, graph_port, moto_port)
    finally:
        for child in children:
            assert child.stdin is not None and child.stdout is not None
            child.stdin.close()
            child.stdout.close()
            child.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)
    return report(content_mb, rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=100, help="document size in MB (default 100)")
    parser.add_argument("--serve-graph", type=int, help=argparse.SUPPRESS)
    args, _unknown = parser.parse_known_args()  # scripts/bench passes its arguments to all
    if args.serve_graph is not None:
        serve_graph(args.serve_graph)
        return 0
    return asyncio.run(bench(args.mb))


if __name__ == "__main__":
    sys.exit(main())
