"""Messages that follow another one of the same operator action, such as the pickup QR image
after the `ready_for_pickup` text (`app.requests.pickup_qr`).

Inside Meta's 24-hour window a follow-up goes at once, after the message it follows. Outside it
the message it follows went as an approved template, and a follow-up with no template of its
own is *held* without a second "message waiting" template: it goes out when the resident next
writes (`delivery.release_held`). A follow-up that lost its meaning before it went (the request
moved on) is withdrawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.outbox.delivery import Outcome, window_open
from app.outbox.models import OutboundMessage, OutboxState
from app.outbox.service import enqueue
from app.residents.models import Resident


async def follow(
    session: AsyncSession,
    *,
    settings: Settings,
    resident: Resident,
    bodies: list[dict[str, Any]],
    origin: str,
    now: datetime,
) -> Outcome:
    """Queue `bodies` after what was just queued: "sent" inside the window, else "held"."""
    opened = window_open(resident, now, settings)
    await enqueue(
        session,
        resident=resident,
        bodies=bodies,
        origin=origin,
        now=now,
        state=OutboxState.PENDING if opened else OutboxState.HELD,
    )
    return "sent" if opened else "held"


async def withdraw(session: AsyncSession, *, resident_id: int, origin: str) -> None:
    """Cancel the resident's messages of `origin` that have not gone yet (held or pending)."""
    await session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.resident_id == resident_id,
            OutboundMessage.origin == origin,
            OutboundMessage.state.in_([OutboxState.HELD, OutboxState.PENDING]),
        )
        .values(state=OutboxState.CANCELLED)
        .execution_options(synchronize_session=False)
    )
