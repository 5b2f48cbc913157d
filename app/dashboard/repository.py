"""SQL the dashboard needs beyond the operator API's: fingerprints of what a page shows, so
live updates know when to refresh it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.operators.service import Scope
from app.outbox.models import OutboundMessage
from app.requests.models import Request, RequestEvent
from app.requests.visibility import visible


async def queue_version(session: AsyncSession, scope: Scope) -> str:
    """A fingerprint of the requests the scope covers: it changes when any of them does."""
    stmt = select(func.count(Request.id), func.max(Request.updated_at), func.max(Request.id))
    count, updated, newest = (await session.execute(stmt.where(visible(scope)))).one()
    return f"q:{count}:{updated.isoformat() if updated else '-'}:{newest or 0}"


async def request_version(session: AsyncSession, request: Request) -> str:
    """A fingerprint of one request's page: its row, its history and the resident's chat."""
    history = select(func.max(RequestEvent.id)).where(RequestEvent.request_id == request.id)
    inbound = select(func.max(InboundEvent.id)).where(
        InboundEvent.resident_id == request.resident_id, InboundEvent.kind == KIND_MESSAGE
    )
    outbound = select(func.max(OutboundMessage.id)).where(
        OutboundMessage.resident_id == request.resident_id
    )
    row = (
        await session.execute(
            select(
                Request.status,
                Request.updated_at,
                history.scalar_subquery(),
                inbound.scalar_subquery(),
                outbound.scalar_subquery(),
            ).where(Request.id == request.id)
        )
    ).one()
    status, updated, *ids = row
    return f"r:{status}:{updated.isoformat()}:" + ":".join(str(i or 0) for i in ids)
