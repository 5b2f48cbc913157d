"""A fake Graph API for the whole-service bench: answers `POST …/messages` like Meta, timestamped.

    python bench/fake_graph.py PORT LOG

A raw asyncio HTTP/1.1 server (keep-alive, Content-Length bodies; uvloop when installed), so
that it costs the machine little next to Loket. Every `POST` whose path ends in `/messages` is
answered at once like Meta: `{"messages": [{"id": "wamid.FAKE<n>"}]}` for a message, and
`{"success": true}` for a read receipt or typing indicator (a body with `"status"`). Each POST
is logged as one line `<wall clock µs>\\t<wamid or ->\\t<to or ->` into LOG (line-buffered), so
the bench can join a reply (Loket stores the wamid on its outbox row) to the inbound message
that caused it. Other requests get 404 in Meta's error shape. Stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time

_count = 0


def answer(body: bytes, log: object) -> bytes:
    """The JSON Meta answers to one POST to /messages; logs it."""
    global _count
    sent = time.time_ns() // 1000
    try:
        doc = json.loads(body)
    except ValueError:
        doc = {}
    if "status" in doc:
        log.write(f"{sent}\t-\t-\n")  # type: ignore[attr-defined]
        return b'{"success":true}'
    _count += 1
    wamid = f"wamid.FAKE{_count}"
    to = str(doc.get("to", "-"))
    log.write(f"{sent}\t{wamid}\t{to}\n")  # type: ignore[attr-defined]
    return json.dumps(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }
    ).encode()


async def serve_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, log: object
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length) if length else b""
            if method == "POST" and path.rstrip("/").endswith("/messages"):
                status, payload = "200 OK", answer(body, log)
            else:
                status = "404 Not Found"
                payload = b'{"error":{"message":"unknown path","type":"OAuthException","code":803}}'
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main(port: int, log: object) -> None:
    server = await asyncio.start_server(
        lambda r, w: serve_connection(r, w, log), "127.0.0.1", port, backlog=1024
    )
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    async with server:
        await stopped.wait()


if __name__ == "__main__":
    try:
        import uvloop  # type: ignore[import-not-found]

        uvloop.install()
    except ImportError:
        pass
    with open(sys.argv[2], "w", buffering=1) as graph_log:
        asyncio.run(main(int(sys.argv[1]), graph_log))
