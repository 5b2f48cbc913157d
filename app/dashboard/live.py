"""Live updates: a Server-Sent Events stream that tells an open page its data changed.

The page embeds the fingerprint it was rendered from (`data-live-version`) and opens
`/dashboard/live?since=<fingerprint>[&ticket=…]`. The stream polls the database (one short
read per tick, no transaction held) and sends `changed` whenever the fingerprint moves away
from the last one the page knows, so nothing that happened between rendering and connecting is
missed. `static/live.js` then re-fetches the page and swaps the parts marked `data-live`.
The stream ends after a few minutes; the browser's EventSource reconnects by itself, which
also re-checks the session.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.dashboard import repository
from app.dashboard.deps import DbDep, PageNotFound, RuntimeDep, ViewerDep
from app.operators.service import Viewer
from app.requests import queries
from app.runtime import Runtime

router = APIRouter()

POLL_SECONDS = 2.0
STREAM_SECONDS = 300.0
KEEPALIVE_SECONDS = 15.0
RECONNECT_MS = 3000


async def version_of(session: AsyncSession, viewer: Viewer, ticket: str | None) -> str | None:
    """The page's current fingerprint; None when the request is gone from the viewer's scope."""
    if ticket is None:
        return await repository.queue_version(session, viewer.scope)
    found = await queries.find_request(session, viewer.scope, ticket)
    return await repository.request_version(session, found[0]) if found else None


async def _poll(runtime: Runtime, viewer: Viewer, ticket: str | None) -> str | None:
    # A short session per tick: nothing is held (on SQLite, not the write lock) while waiting.
    async with runtime.sessionmaker() as session:
        return await version_of(session, viewer, ticket)


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


@router.get("/live")
async def live(request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep) -> Response:
    """`changed` events for the queue (no `ticket`) or for one request's page."""
    ticket = (request.query_params.get("ticket") or "").strip()[:40] or None
    known = (request.query_params.get("since") or "")[:200]
    if await version_of(db, viewer, ticket) is None:
        raise PageNotFound
    state = request.app.state
    poll = getattr(state, "live_poll_seconds", POLL_SECONDS)
    lifetime = getattr(state, "live_stream_seconds", STREAM_SECONDS)

    async def events() -> AsyncIterator[bytes]:
        nonlocal known
        yield f"retry: {RECONNECT_MS}\n\n".encode()
        started = last_sent = time.monotonic()
        while time.monotonic() - started < lifetime:
            current = await _poll(runtime, viewer, ticket)
            if current is None:
                yield _event("gone", "")
                return
            if current != known:
                known = current
                last_sent = time.monotonic()
                yield _event("changed", current)
            elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
                last_sent = time.monotonic()
                yield b": keep-alive\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(poll)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)
