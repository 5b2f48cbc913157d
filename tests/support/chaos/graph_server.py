"""Meta's Graph API as a real HTTP server on loopback, recording every send and injecting faults.

`loket serve` and `loket worker` run as separate processes here, so the in-process fake of
tests/fakes/graph.py (an `httpx.MockTransport`) cannot reach them. This one speaks just enough
HTTP/1.1 (keep-alive, Content-Length bodies) for `POST /{version}/{number}/messages`.

Loket sends no id of its own with a message (Meta's API has no idempotency key), so a send is
identified by what the resident would see: the recipient and the exact body (`send_key`). Read
receipts and typing indicators carry the wamid they refer to, so they are unique too.

Faults, drawn per send with a seeded random generator at `fault_rate`:
- `5xx`: an HTTP 502 page from a proxy, or Meta's 131000 with HTTP 500;
- `429`: a bare HTTP 429 with an empty body (no Meta code);
- `130429`: Meta's throughput limit in Meta's error shape;
- `timeout`: Meta takes the message but the answer never arrives (the client times out). Loket
  cannot know the message went, so it sends it again: a duplicate that Meta's API cannot prevent;
  the fake notes the key as `answer_lost` so such duplicates are told apart from others;
- `hang`: the connection is accepted and nothing is ever answered; the message is not taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tests.support.chaos.background import BackgroundLoop

FAULTS = ("5xx", "429", "130429", "timeout", "hang")
ACCEPTED = "accepted"


def send_key(body: dict[str, Any]) -> str:
    """What identifies one message as the resident sees it: recipient and exact body."""
    to = body.get("to") or body.get("recipient") or ""
    rest = {k: v for k, v in body.items() if k not in ("to", "recipient")}
    return f"{to} {json.dumps(rest, sort_keys=True, ensure_ascii=False)}"


@dataclass(frozen=True)
class Send:
    """One `/messages` call: its key, what the fake did with it, and when (time.monotonic())."""

    key: str
    outcome: str  # "accepted" or one of FAULTS
    at: float

    @property
    def taken(self) -> bool:
        """Whether Meta took the message (the resident sees it)."""
        return self.outcome in (ACCEPTED, "timeout")


class ChaosGraph:
    """The fake; `start()` returns its base URL. Thread-safe reads of `sends`."""

    def __init__(
        self,
        loop: BackgroundLoop,
        *,
        token: str,
        phone_number_id: str,
        version: str,
        fault_rate: float = 0.0,
        seed: int = 0,
    ) -> None:
        self._loop = loop
        self._token = token
        self._path = f"/{version}/{phone_number_id}/messages"
        self.fault_rate = fault_rate
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._sends: list[Send] = []
        self._wamids = 0
        self._server: asyncio.Server | None = None
        self._held: set[asyncio.Task[Any]] = set()

    def start(self) -> str:
        self._server = self._loop.run(asyncio.start_server(self._connection, "127.0.0.1", 0))
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for task in list(self._held):
                task.cancel()

        self._loop.run(close())

    # --- what was sent -------------------------------------------------------------------------

    @property
    def sends(self) -> list[Send]:
        with self._lock:
            return list(self._sends)

    def taken_counts(self) -> Counter[str]:
        """How many times Meta took each key."""
        return Counter(s.key for s in self.sends if s.taken)

    def last_send_at(self) -> float:
        sends = self.sends
        return sends[-1].at if sends else 0.0

    def outcomes(self) -> Counter[str]:
        return Counter(s.outcome for s in self.sends)

    # --- HTTP ----------------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._held.add(task)
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    return
                answer = self._answer(*request)
                if answer is None:  # timeout or hang: wait until the client gives up
                    await reader.read()
                    return
                writer.write(answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        finally:
            self._held.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    def _answer(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes | None:
        if headers.get("authorization") != f"Bearer {self._token}":
            return _meta_error(401, 190, "Invalid OAuth access token")
        if method != "POST" or path != self._path:
            return _meta_error(400, 100, f"Unsupported request: {method} {path}")
        payload = json.loads(body)
        outcome = self._draw()
        with self._lock:
            self._sends.append(Send(send_key(payload), outcome, time.monotonic()))
            self._wamids += 1
            wamid = f"wamid.CHAOS{self._wamids}"
        if outcome == "5xx":
            if self._rng.random() < 0.5:
                return _response(502, b"<html>502 Bad Gateway</html>", "text/html")
            return _meta_error(500, 131000, "Something went wrong")
        if outcome == "429":
            return _response(429, b"", "text/plain")
        if outcome == "130429":
            return _meta_error(400, 130429, "Rate limit hit")
        if outcome in ("timeout", "hang"):
            return None
        if payload.get("status") == "read":
            return _json(200, {"success": True})
        contact = {"input": payload.get("to"), "wa_id": str(payload.get("to", "")).lstrip("+")}
        return _json(
            200,
            {"messaging_product": "whatsapp", "contacts": [contact], "messages": [{"id": wamid}]},
        )

    def _draw(self) -> str:
        with self._lock:
            if self._rng.random() >= self.fault_rate:
                return ACCEPTED
            return self._rng.choice(FAULTS)


async def _read_request(
    reader: asyncio.StreamReader,
) -> tuple[str, str, dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None  # the client closed a kept-alive connection
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return method, path.split("?", 1)[0], headers, body


def _response(status: int, body: bytes, content_type: str) -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _json(status: int, payload: dict[str, Any]) -> bytes:
    return _response(status, json.dumps(payload).encode(), "application/json")


def _meta_error(status: int, code: int, message: str) -> bytes:
    error = {"message": f"(#{code}) {message}", "type": "OAuthException", "code": code}
    return _json(status, {"error": {**error, "fbtrace_id": "AChaosTrace"}})
