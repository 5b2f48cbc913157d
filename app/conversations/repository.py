"""SQL for reading a resident's chat back: their messages, Loket's, and their requests' timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.operators.service import Scope
from app.outbox.models import OutboundMessage
from app.outbox.service import KIND_READ, KIND_TYPING
from app.requests.models import Request, RequestEvent
from app.requests.visibility import visible


async def inbound_messages(
    session: AsyncSession,
    resident_id: int,
    *,
    after: datetime | None,
    until: datetime | None,
    limit: int,
) -> Sequence[InboundEvent]:
    """The resident's newest `limit` messages received in (after, until], oldest first."""
    stmt = select(InboundEvent).where(
        InboundEvent.resident_id == resident_id, InboundEvent.kind == KIND_MESSAGE
    )
    if after is not None:
        stmt = stmt.where(InboundEvent.received_at > after)
    if until is not None:
        stmt = stmt.where(InboundEvent.received_at <= until)
    stmt = stmt.order_by(InboundEvent.id.desc()).limit(limit)
    return list(reversed((await session.execute(stmt)).scalars().all()))


async def outbound_messages(
    session: AsyncSession,
    resident_id: int,
    *,
    after: datetime | None,
    until: datetime | None,
    limit: int,
) -> Sequence[OutboundMessage]:
    """Loket's newest `limit` messages to the resident written in (after, until], oldest first."""
    stmt = select(OutboundMessage).where(
        OutboundMessage.resident_id == resident_id,
        OutboundMessage.kind.not_in((KIND_READ, KIND_TYPING)),
    )
    if after is not None:
        stmt = stmt.where(OutboundMessage.created_at > after)
    if until is not None:
        stmt = stmt.where(OutboundMessage.created_at <= until)
    stmt = stmt.order_by(OutboundMessage.id.desc()).limit(limit)
    return list(reversed((await session.execute(stmt)).scalars().all()))


async def requests_of(session: AsyncSession, resident_id: int) -> Sequence[Request]:
    """Every request of the resident, oldest first."""
    stmt = (
        select(Request)
        .where(Request.resident_id == resident_id)
        .order_by(Request.created_at, Request.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def status_changes(
    session: AsyncSession, request_ids: Sequence[int]
) -> Sequence[tuple[int, datetime, str]]:
    """(request id, when, new status) of every status change of these requests, in order."""
    if not request_ids:
        return []
    stmt = (
        select(RequestEvent.request_id, RequestEvent.at, RequestEvent.to_status)
        .where(RequestEvent.request_id.in_(request_ids), RequestEvent.to_status.is_not(None))
        .order_by(RequestEvent.at, RequestEvent.id)
    )
    return [(int(rid), at, str(to)) for rid, at, to in (await session.execute(stmt)).all()]


async def tickets_seen(session: AsyncSession, resident_id: int, scope: Scope) -> frozenset[str]:
    """The tickets of the resident's requests that an operator with `scope` may see."""
    stmt = select(Request.ticket).where(Request.resident_id == resident_id, visible(scope))
    return frozenset((await session.execute(stmt)).scalars().all())
