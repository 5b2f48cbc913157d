"""What every simulator route needs: the sandbox's parts, and the webhook's way into the inbox."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from app.bot.payloads import parse_updates
from app.bot.sandbox import SandboxSink
from app.bot.sandbox_media import SandboxMedia
from app.runtime import Runtime
from app.simulator import payloads


def sandbox_parts(request: Request) -> tuple[Runtime, SandboxSink, SandboxMedia]:
    """The runtime, the sandbox sink and media store; 404 outside sandbox mode."""
    runtime: Runtime = request.app.state.runtime
    if runtime.sandbox is None or runtime.sandbox_media is None:
        raise HTTPException(404, "the simulator exists only in sandbox mode")
    return runtime, runtime.sandbox, runtime.sandbox_media


async def deliver(runtime: Runtime, sink: SandboxSink, body: dict[str, Any]) -> list[str]:
    """Store a Meta-shaped delivery in the inbox, as the webhook does; return its wamids."""
    ids = payloads.wamids(body)
    wa_id = body["entry"][0]["changes"][0]["value"]["contacts"][0]["wa_id"]
    for wamid in ids:
        sink.register_inbound(wa_id, wamid)  # so the read receipt wakes this phone
    await runtime.ingest.submit(parse_updates(body, phone_number_id=None))
    return ids
