"""What a resident hears when Loket could not handle an inbox event of theirs (set aside).

The processing worker calls `apologise` once, after the event's last try rolled back, in a
savepoint of its own: the apology is written through the outbox (inside Meta's 24-hour window
free-form, outside it held behind the "message waiting" template) and commits with the event's
`failed_at` mark. The event itself waits for an admin (`loket inbox retry`, the dashboard).

Who is told what:
- a message the resident sent, or a file of theirs whose check could not be recorded:
  "your message could not be processed yet; an officer will contact you";
- a correction an operator asked for: "there is news about request X we could not deliver";
- nothing for a delivery status, a reminder, a survey start or the end of a hand-off: the
  resident is not waiting for those, and operators see the failure on the inbox page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.config import Settings
from app.db import utcnow
from app.inbox.models import KIND_INTERNAL, KIND_MESSAGE, InboundEvent
from app.inbox.processor import SetAsideHandler
from app.notifications.catalog import text
from app.outbox import delivery
from app.residents.models import Resident

if TYPE_CHECKING:
    from app.runtime import Runtime

ORIGIN = "inbox:set_aside"
NO_TICKET = "-"


def apology_for(event: InboundEvent, language: str) -> tuple[str, str] | None:
    """The apology for `event` and the ticket it concerns, or None when nobody waits for it."""
    if event.kind == KIND_MESSAGE:
        return text("set_aside_message", language), NO_TICKET
    if event.kind != KIND_INTERNAL:
        return None
    item: Any = event.payload.get("input") if isinstance(event.payload, dict) else None
    kind = item.get("type") if isinstance(item, dict) else None
    if kind == "document_checked":
        return text("set_aside_message", language), NO_TICKET
    if kind == "operator" and item.get("kind") == "correction_needed" and item.get("ticket"):
        ticket = str(item["ticket"])
        return text("set_aside_update", language, ticket=ticket), ticket
    return None


async def apologise(
    session: AsyncSession, event: InboundEvent, *, settings: Settings, now: datetime
) -> str | None:
    """Write the apology for a set-aside event; "sent"/"held" as `notify` says, None if none."""
    resident = await session.get(Resident, event.resident_id)
    if resident is None:
        return None
    apology = apology_for(event, resident.language)
    if apology is None:
        return None
    body, ticket = apology
    return await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(body),
        ticket=ticket,
        now=now,
        origin=ORIGIN,
    )


def build_set_aside_handler(
    runtime: Runtime, *, clock: Callable[[], datetime] = utcnow
) -> SetAsideHandler:
    """The processing worker's `on_set_aside` for this process's settings."""
    settings = runtime.settings

    async def handle(session: AsyncSession, event: InboundEvent) -> None:
        await apologise(session, event, settings=settings, now=clock())

    return handle
