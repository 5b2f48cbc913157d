"""SQL for survey responses and complaints.

Who sees a complaint: the operators of the office handling the request it names; a complaint
about no request follows the resident's latest request. A complaint whose resident has no
request routed to an office is seen by admins without an office (scope None) only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement, ScalarSelect, Select, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.db import is_postgres
from app.feedback.models import COMPLAINT_CLOSED, COMPLAINT_OPEN, Complaint, SurveyResponse
from app.operators.service import Scope
from app.requests.models import Request
from app.residents.models import Resident

MAX_LISTED = 100
_T = TypeVar("_T")


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


@dataclass(frozen=True)
class ComplaintRow:
    """A complaint with its resident, the office it belongs to and the ticket it relates to.

    `related_ticket` is the complaint's own ticket or, for a general one, the resident's latest.
    """

    complaint: Complaint
    resident: Resident
    office_id: int | None
    related_ticket: str | None


def _latest_of_resident(column: InstrumentedAttribute[_T]) -> ScalarSelect[_T]:
    latest = (
        select(column)
        .where(Request.resident_id == Complaint.resident_id)
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(1)
    )
    return latest.scalar_subquery()


def _named(column: InstrumentedAttribute[_T]) -> ScalarSelect[_T]:
    return select(column).where(Request.ticket == Complaint.ticket).limit(1).scalar_subquery()


def _office() -> ColumnElement[int | None]:
    """The office a complaint belongs to (see the module docstring)."""
    return case(
        (Complaint.ticket.is_not(None), _named(Request.office_id)),
        else_=_latest_of_resident(Request.office_id),
    )


def _scoped(scope: Scope) -> Select[Complaint, Resident, int | None, str]:
    office = _office()
    related = func.coalesce(Complaint.ticket, _latest_of_resident(Request.ticket))
    stmt = select(Complaint, Resident, office, related).join(
        Resident, Resident.id == Complaint.resident_id
    )
    if scope is not None:
        stmt = stmt.where(office.in_(sorted(scope)))
    return stmt


async def visible_complaints(
    session: AsyncSession, scope: Scope, *, closed: bool, limit: int = MAX_LISTED
) -> list[ComplaintRow]:
    """Open complaints oldest first, or closed ones most recently closed first."""
    stmt = _scoped(scope)
    if closed:
        stmt = stmt.where(Complaint.status == COMPLAINT_CLOSED).order_by(
            Complaint.closed_at.desc(), Complaint.id.desc()
        )
    else:
        stmt = stmt.where(Complaint.status == COMPLAINT_OPEN).order_by(
            Complaint.created_at, Complaint.id
        )
    rows = (await session.execute(stmt.limit(limit))).all()
    return [ComplaintRow(row[0], row[1], row[2], row[3]) for row in rows]


async def visible_complaint(
    session: AsyncSession, scope: Scope, complaint_id: int, *, for_update: bool = False
) -> ComplaintRow | None:
    """One complaint if the scope sees it; `for_update` locks it (PostgreSQL)."""
    stmt = _scoped(scope).where(Complaint.id == complaint_id)
    if for_update and is_postgres(session):
        stmt = stmt.with_for_update(of=Complaint)
    row = (await session.execute(stmt)).first()
    return ComplaintRow(row[0], row[1], row[2], row[3]) if row is not None else None
