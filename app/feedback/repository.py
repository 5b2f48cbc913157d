"""SQL for survey responses and complaints."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.feedback.models import Complaint, SurveyResponse


async def survey_of_request(session: AsyncSession, request_id: int) -> SurveyResponse | None:
    """The response already given for a request, if any."""
    stmt = select(SurveyResponse).where(SurveyResponse.request_id == request_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def add(session: AsyncSession, row: SurveyResponse | Complaint) -> None:
    """Store a new row and give it its id."""
    session.add(row)
    await session.flush()


async def survey_totals(
    session: AsyncSession, *, office_id: int | None = None, service: str | None = None
) -> tuple[int, int]:
    """How many responses match, and the sum of all their scores (9 per response)."""
    r = SurveyResponse
    total = r.u1 + r.u2 + r.u3 + r.u4 + r.u5 + r.u6 + r.u7 + r.u8 + r.u9
    stmt = select(func.count(r.id), func.coalesce(func.sum(total), 0))
    if office_id is not None:
        stmt = stmt.where(r.office_id == office_id)
    if service is not None:
        stmt = stmt.where(r.service_code == service)
    count, score_sum = (await session.execute(stmt)).one()
    return int(count), int(score_sum)


async def complaints(
    session: AsyncSession, *, status: str | None = None, limit: int = 50
) -> Sequence[Complaint]:
    """Complaints, newest first, optionally of one status."""
    stmt = select(Complaint).order_by(Complaint.created_at.desc(), Complaint.id.desc())
    if status is not None:
        stmt = stmt.where(Complaint.status == status)
    return (await session.execute(stmt.limit(limit))).scalars().all()
