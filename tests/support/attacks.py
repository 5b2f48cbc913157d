"""Helpers of the attack tests: browsers at chosen addresses, forged cookies, raw ASGI calls."""

from __future__ import annotations

import asyncio
import json
from base64 import b64encode
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import itsdangerous
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.models import AuditEvent
from app.config import Settings
from app.main import create_app
from tests.support.clients import Dashboard

ATTACKER = "203.0.113.7"  # TEST-NET-3
OFFICE = "198.51.100.20"  # TEST-NET-2: where the real operator works


@asynccontextmanager
async def started(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app (no workers) with its lifespan run."""
    app = create_app(settings, run_workers=False)
    async with app.router.lifespan_context(app):
        yield app


@asynccontextmanager
async def browser(
    app: FastAPI,
    sessionmaker: async_sessionmaker[AsyncSession],
    address: str,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[Dashboard]:
    """A cookie-keeping client whose TCP peer address is `address`."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://loket.test", headers=headers
    ) as client:
        yield Dashboard(app, client, sessionmaker)


def forged_cookie(secret: str, data: dict[str, Any]) -> str:
    """A dashboard cookie as Starlette's SessionMiddleware signs it, with any key."""
    payload = b64encode(json.dumps(data).encode())
    return itsdangerous.TimestampSigner(secret).sign(payload).decode()


async def signin_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[tuple[str, str | None, str | None, dict[str, Any]]]:
    """(action, target, ip, detail) of every audit row, oldest first."""
    async with sessionmaker() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(r.action, r.target, r.ip, r.detail) for r in rows]


class SlowBody:
    """An ASGI `receive` that hands out a body in chunks, waiting for `gate` before the first,
    and counts what the app pulled."""

    def __init__(self, body: bytes, gate: asyncio.Event | None = None, chunk: int = 64 * 1024):
        self._chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
        self._gate = gate
        self.pulled = 0

    async def __call__(self) -> dict[str, Any]:
        if self._gate is not None:
            await self._gate.wait()
        if not self._chunks:
            return {"type": "http.disconnect"}
        piece = self._chunks.pop(0)
        self.pulled += len(piece)
        return {"type": "http.request", "body": piece, "more_body": bool(self._chunks)}


async def raw_post(
    app: FastAPI, path: str, receive: SlowBody, headers: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    """POST through the ASGI interface itself, so that what the app reads can be counted."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("157.240.0.1", 443),
        "server": ("loket.test", 80),
    }
    status, answer_headers, body = 0, {}, bytearray()

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            answer_headers.update({k.decode(): v.decode() for k, v in message["headers"]})
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    return status, answer_headers, bytes(body)
