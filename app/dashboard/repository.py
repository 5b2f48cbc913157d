"""SQL the dashboard needs beyond the operator API's: the resident's chat, read-only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage

CHAT_LIMIT = 100


async def inbound_messages(
    session: AsyncSession, resident_id: int, *, limit: int = CHAT_LIMIT
) -> Sequence[InboundEvent]:
    """The resident's latest messages to Loket (newest `limit`), oldest first."""
    stmt = (
        select(InboundEvent)
        .where(InboundEvent.resident_id == resident_id, InboundEvent.kind == KIND_MESSAGE)
        .order_by(InboundEvent.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.execute(stmt)).scalars().all()))


async def outbound_messages(
    session: AsyncSession, resident_id: int, *, limit: int = CHAT_LIMIT
) -> Sequence[OutboundMessage]:
    """Loket's latest messages to the resident (newest `limit`), oldest first."""
    stmt = (
        select(OutboundMessage)
        .where(OutboundMessage.resident_id == resident_id)
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.execute(stmt)).scalars().all()))
