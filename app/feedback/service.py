"""Satisfaction survey (IKM) figures and complaints: what the engine's events become.

IKM per Permenpan RB 14/2017: 9 elements scored 1..4, each weighted 1/9, so the index is the
mean score × 25 (25..100). It is computed at full precision from the sum of all scores, never
from rounded element weights, and graded on its value rounded to 2 decimals:
A 88.31–100, B 76.61–88.30, C 65.00–76.60, D 25.00–64.99.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.bot import messages
from app.config import Settings
from app.feedback import repository
from app.feedback.models import COMPLAINT_CLOSED, COMPLAINT_OPEN, Complaint, SurveyResponse
from app.feedback.repository import ComplaintRow
from app.notifications.catalog import text as notification_text
from app.outbox import delivery
from app.requests import repository as requests_repo

log = structlog.get_logger(__name__)

ELEMENT_COUNT = 9
UNIT_FACTOR = 25
# Lowest index of each grade, best first (the regulation's table, 2 decimals).
GRADE_FLOORS: tuple[tuple[float, str], ...] = (
    (88.31, "A"),
    (76.61, "B"),
    (65.00, "C"),
    (25.00, "D"),
)


class InvalidScores(ValueError):
    """A survey needs exactly 9 scores, each 1..4."""


class ResolutionMissing(ValueError):
    """A complaint is closed with what the office did about it, never without."""


class ComplaintAlreadyClosed(Exception):
    """The complaint was closed before (a second click, or another operator)."""


# Told to the resident when an operator closes their complaint: short, polite, their language.
def ikm_index(score_sum: int, responses: int) -> float:
    """The IKM unit score (25..100) of `responses` surveys whose scores add up to `score_sum`."""
    if responses <= 0:
        raise ValueError("no responses")
    return score_sum / (responses * ELEMENT_COUNT) * UNIT_FACTOR


def grade_for(index: float) -> str:
    """The grade A..D of an IKM unit score."""
    value = round(index, 2)
    for floor, grade in GRADE_FLOORS:
        if value >= floor:
            return grade
    raise ValueError(f"an IKM index is at least 25, got {index}")


def check_scores(scores: Sequence[int]) -> list[int]:
    """The scores as a list; InvalidScores unless there are 9, each 1..4."""
    values = list(scores)
    if len(values) != ELEMENT_COUNT or any(
        isinstance(value, bool) or value not in (1, 2, 3, 4) for value in values
    ):
        raise InvalidScores(f"need {ELEMENT_COUNT} scores of 1..4, got {values}")
    return values


async def record_survey(
    session: AsyncSession,
    *,
    resident_id: int,
    ticket: str,
    scores: Sequence[int],
    now: datetime,
) -> SurveyResponse | None:
    """Store the resident's answers about their request `ticket` (once per request).

    None when the ticket is unknown or not the resident's; a second answer for the same request
    returns the first one unchanged.
    """
    values = check_scores(scores)
    request = await requests_repo.get_by_ticket(session, ticket)
    if request is None or request.resident_id != resident_id:
        log.warning("survey for an unknown ticket ignored", ticket=ticket)
        return None
    existing = await repository.survey_of_request(session, request.id)
    if existing is not None:
        return existing
    index = ikm_index(sum(values), 1)
    row = SurveyResponse(
        request_id=request.id,
        resident_id=resident_id,
        office_id=request.office_id,
        service_code=request.service_code,
        u1=values[0],
        u2=values[1],
        u3=values[2],
        u4=values[3],
        u5=values[4],
        u6=values[5],
        u7=values[6],
        u8=values[7],
        u9=values[8],
        index=round(index, 2),
        grade=grade_for(index),
        created_at=now,
    )
    await repository.add(session, row)
    return row


async def ikm_summary(
    session: AsyncSession, *, office_id: int | None = None, service: str | None = None
) -> tuple[int, float | None, str | None]:
    """(responses, IKM index rounded to 2 decimals, grade) over the matching responses.

    With no responses the index and grade are None.
    """
    count, score_sum = await repository.survey_totals(session, office_id=office_id, service=service)
    if count == 0:
        return 0, None, None
    index = ikm_index(score_sum, count)
    return count, round(index, 2), grade_for(index)


async def file_complaint(
    session: AsyncSession,
    *,
    resident_id: int,
    text: str,
    ticket: str | None,
    now: datetime,
) -> Complaint:
    """Record an open complaint; a ticket that is not the resident's is not linked."""
    if ticket is not None:
        request = await requests_repo.get_by_ticket(session, ticket)
        if request is None or request.resident_id != resident_id:
            log.warning("complaint names a ticket that is not the resident's", ticket=ticket)
            ticket = None
    complaint = Complaint(
        resident_id=resident_id,
        ticket=ticket,
        text=text.strip(),
        status=COMPLAINT_OPEN,
        created_at=now,
    )
    await repository.add(session, complaint)
    log.info("complaint filed", complaint_id=complaint.id, ticket=ticket)
    return complaint


async def close_complaint(
    session: AsyncSession,
    complaint: Complaint,
    *,
    closed_by: str,
    resolution: str,
    now: datetime,
) -> None:
    """Mark a complaint handled: who closed it, when, and what the office did about it."""
    resolution = resolution.strip()
    if not resolution:
        raise ResolutionMissing("closing a complaint needs the resolution")
    if complaint.status == COMPLAINT_CLOSED:
        raise ComplaintAlreadyClosed(f"complaint {complaint.id} is already closed")
    complaint.status = COMPLAINT_CLOSED
    complaint.closed_at = now
    complaint.closed_by = closed_by[:64]
    complaint.resolution = resolution
    await session.flush()


def closed_text(language: str, ticket: str | None, resolution: str) -> str:
    """What the resident reads when their complaint is closed."""
    about = notification_text("complaint_about", language, ticket=ticket) if ticket else ""
    return notification_text("complaint_closed", language, about=about, resolution=resolution)


async def resolve_complaint(
    session: AsyncSession,
    row: ComplaintRow,
    *,
    settings: Settings,
    actor: str,
    resolution: str,
    ip: str | None,
    now: datetime,
) -> str:
    """Close a visible complaint, audit it and tell the resident; returns how the news went.

    Inside Meta's window the resident's message is sent; outside it, it is held behind the
    waiting template until they write. Raises ResolutionMissing or ComplaintAlreadyClosed.
    """
    complaint, resident = row.complaint, row.resident
    await close_complaint(session, complaint, closed_by=actor, resolution=resolution, now=now)
    record(
        session,
        actor=actor,
        action=AuditAction.COMPLAINT_CLOSED,
        target=f"complaint:{complaint.id}",
        office_id=row.office_id,
        ip=ip,
        detail={"ticket": complaint.ticket, "resident_id": resident.id},
        at=now,
    )
    return await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(
            closed_text(resident.language, complaint.ticket, complaint.resolution or "")
        ),
        ticket=row.related_ticket or "-",
        now=now,
        origin="complaint_closed",
    )


async def open_complaints(session: AsyncSession, *, limit: int = 50) -> Sequence[Complaint]:
    """Complaints still open, newest first."""
    return await repository.complaints(session, status=COMPLAINT_OPEN, limit=limit)
