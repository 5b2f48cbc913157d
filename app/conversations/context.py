"""What the engine is told about a resident on each turn: language, name, requests, locker."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.flows.context import RequestSummary, ResidentContext
from app.intake import service as intake
from app.requests import repository as requests_repo
from app.residents.models import Resident


async def build_context(
    session: AsyncSession, resident: Resident, *, now: datetime
) -> ResidentContext:
    """The resident's open requests (for `status`) and reusable documents (for reuse offers)."""
    open_requests = [
        RequestSummary(
            ticket=request.ticket,
            service_code=request.service_code,
            status=request.status,
            updated_at=request.updated_at,
        )
        for request in await requests_repo.open_of_resident(session, resident.id)
    ]
    return ResidentContext(
        language=resident.language,
        name=resident.name,
        open_requests=open_requests,
        locker=await intake.reusable_documents(session, resident_id=resident.id, now=now),
    )
