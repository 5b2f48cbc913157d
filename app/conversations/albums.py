"""Photos sent together: WhatsApp delivers an album as separate media messages, in one webhook
or a few seconds apart. They get one `group_hint` (the media id of the first of them), which the
engine uses to spread an album over the requirements still to send (app/flows/album.py).

A file picked after the bot answered the one before is not part of its album, even a few seconds
later: the resident read the next question ("Silakan kirim foto KTP-el") and answered it. Items
Meta stamps within the same second or so are one album whatever the bot said meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage

# Media messages at most this far apart belong to one album...
ALBUM_SECONDS = 5.0
# ...and at most this far apart, even when the bot answered in between (sent together).
TOGETHER_SECONDS = 1.0
# How many earlier messages are looked at (WhatsApp sends at most 30 items in one go).
LOOK_BACK = 30
_MEDIA_TYPES = frozenset({"image", "document"})


async def group_of(session: AsyncSession, event: InboundEvent) -> str | None:
    """The media id of the first media message in the run of media messages that ends with
    `event`, each within ALBUM_SECONDS of the one before; None when `event` is no media."""
    group = media_id_of(event.payload.get("message") or {})
    at = _sent_at(event)
    if group is None:
        return None
    earlier = await session.execute(
        select(InboundEvent)
        .where(
            InboundEvent.resident_id == event.resident_id,
            InboundEvent.kind == KIND_MESSAGE,
            InboundEvent.id < event.id,
        )
        .order_by(InboundEvent.id.desc())
        .limit(LOOK_BACK)
    )
    later = event
    for row in earlier.scalars():
        media_id = media_id_of(row.payload.get("message") or {})
        sent = _sent_at(row)
        apart = abs((at - sent).total_seconds())
        if media_id is None or apart > ALBUM_SECONDS:
            break
        if apart > TOGETHER_SECONDS and await _bot_spoke_between(session, row, later):
            break
        group, at, later = media_id, sent, row
    return group


async def _bot_spoke_between(
    session: AsyncSession, earlier: InboundEvent, later: InboundEvent
) -> bool:
    """True when a message to the resident was written after `earlier` arrived and before
    `later` did: the later file may answer it."""
    found = await session.scalar(
        select(OutboundMessage.id)
        .where(
            OutboundMessage.resident_id == earlier.resident_id,
            OutboundMessage.created_at > earlier.received_at,
            OutboundMessage.created_at < later.received_at,
        )
        .limit(1)
    )
    return found is not None


def media_id_of(message: dict[str, Any]) -> str | None:
    """The media id of an image or document message."""
    kind = message.get("type")
    media = message.get(kind) if isinstance(kind, str) and kind in _MEDIA_TYPES else None
    value = media.get("id") if isinstance(media, dict) else None
    return str(value) if value else None


def _sent_at(event: InboundEvent) -> datetime:
    return event.occurred_at or event.received_at
