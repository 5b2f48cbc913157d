"""SQL the simulator reads: the residents it can play and each one's conversation with Loket."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage, OutboxState
from app.residents.models import Resident

INBOUND_LIMIT = 150
# Outbound rows include a read receipt and a typing signal per message the resident sent.
OUTBOUND_LIMIT = 450
RESIDENTS_LIMIT = 50


async def resident_by_wa_id(session: AsyncSession, wa_id: str) -> Resident | None:
    stmt = select(Resident).where(Resident.wa_id == wa_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def recent_residents(
    session: AsyncSession, *, limit: int = RESIDENTS_LIMIT
) -> Sequence[Resident]:
    """Residents with a phone number, the ones who wrote last first."""
    stmt = (
        select(Resident)
        .where(Resident.wa_id.is_not(None))
        .order_by(Resident.last_inbound_at.desc().nulls_last(), Resident.id.desc())
        .limit(limit)
    )
    return (await session.execute(stmt)).scalars().all()


async def inbound_messages(session: AsyncSession, resident_id: int) -> list[InboundEvent]:
    """The resident's latest messages (newest `INBOUND_LIMIT`), oldest first."""
    stmt = (
        select(InboundEvent)
        .where(InboundEvent.resident_id == resident_id, InboundEvent.kind == KIND_MESSAGE)
        .order_by(InboundEvent.id.desc())
        .limit(INBOUND_LIMIT)
    )
    return list(reversed((await session.execute(stmt)).scalars().all()))


async def sent_messages(session: AsyncSession, resident_id: int) -> list[OutboundMessage]:
    """What reached the resident's phone (newest `OUTBOUND_LIMIT`, receipts included), oldest
    first.

    Only rows Meta (here: the sandbox sink) accepted: a held, pending or given-up message never
    reached the phone.
    """
    stmt = (
        select(OutboundMessage)
        .where(
            OutboundMessage.resident_id == resident_id,
            OutboundMessage.state == OutboxState.SENT,
        )
        .order_by(OutboundMessage.id.desc())
        .limit(OUTBOUND_LIMIT)
    )
    return list(reversed((await session.execute(stmt)).scalars().all()))


async def sent_message(
    session: AsyncSession, resident_id: int, wamid: str
) -> OutboundMessage | None:
    """The message Loket sent this resident under `wamid` (None: not theirs, or not sent)."""
    stmt = select(OutboundMessage).where(
        OutboundMessage.resident_id == resident_id, OutboundMessage.wamid == wamid
    )
    return (await session.execute(stmt)).scalar_one_or_none()
