"""What every simulator route needs: the sandbox's parts, and the webhook's way into the inbox."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from app.bot.payloads import parse_updates
from app.bot.sandbox import SandboxSink
from app.bot.sandbox_media import SandboxMedia
from app.runtime import Runtime
from app.simulator import payloads
from app.simulator.chat import Chat

# What the phone reports as delivered: the files Loket sends (an issued document completes its
# request on delivery). Ticks on other messages are not simulated, so the inbox is not filled
# with a status per bot message.
REPORTED_TYPES = frozenset({"document", "image"})


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


async def report_arrivals(runtime: Runtime, sink: SandboxSink, screen: Chat) -> int:
    """Report "delivered" for the files now on the phone's screen, once each, as WhatsApp does
    when a message reaches the phone; the number of reports made."""
    reported = 0
    for item in screen.items:
        wamid = item.get("wamid")
        kind = item["message"].get("type")
        if item["from"] != "bot" or not wamid or kind not in REPORTED_TYPES:
            continue
        if sink.first_arrival(wamid):
            body = payloads.status_body(screen.wa_id, wamid, "delivered")
            await runtime.ingest.submit(parse_updates(body, phone_number_id=None))
            reported += 1
    return reported


def link_sent_files(sink: SandboxSink, screen: Chat) -> None:
    """Give the files Loket uploaded to send (an issued PDF) their media id on the screen, so
    the phone opens them as WhatsApp would download them; the outbox row only names the file."""
    for item in screen.items:
        wamid, message = item.get("wamid"), item["message"]
        kind = message.get("type")
        media = message.get(kind) if item["from"] == "bot" and wamid else None
        if isinstance(media, dict) and kind in REPORTED_TYPES and not media.get("id"):
            media_id = sink.sent_media_id(screen.wa_id, str(wamid))
            if media_id is not None:
                message[kind] = {**media, "id": media_id}
