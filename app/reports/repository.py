"""SQL behind the figures page: narrow rows bounded by the period, always within the viewer's scope.

Aggregation that differs between SQLite and PostgreSQL (local dates, medians) is done in Python
over these rows; only plain comparisons, EXISTS and SUM/COUNT run in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.counter.service import CHANNEL as COUNTER_CHANNEL
from app.feedback.models import SurveyResponse
from app.operators.service import Scope
from app.requests.issued_send import DELIVERY_ACTOR
from app.requests.models import Request, RequestEvent
from app.requests.status import RequestStatus
from app.requests.visibility import visible

_Ts = TypeVarTuple("_Ts")


@dataclass(frozen=True)
class Narrowing:
    """What every figure is limited to: the viewer's scope, an office subtree, one service."""

    scope: Scope
    offices: frozenset[int] | None = None
    service: str | None = None


@dataclass(frozen=True)
class SubmittedRow:
    """A request submitted in the period, with what its history says about review."""

    service: str
    submitted_at: datetime
    reached_review: bool
    corrected: bool


@dataclass(frozen=True)
class CompletedRow:
    """A request completed in the period."""

    service: str
    submitted_at: datetime | None
    completed_at: datetime
    due_date: date | None


@dataclass(frozen=True)
class SurveyTotal:
    """How many survey responses one group has, and the sum of all their scores."""

    key: str | int | None
    responses: int
    score_sum: int


@dataclass(frozen=True)
class TripCount:
    """How many requests of one service and handling office were completed after `trips` trips."""

    service: str
    office_id: int | None
    trips: int
    requests: int


def _entered(status: RequestStatus) -> ColumnElement[bool]:
    """The request's history has a move into `status`."""
    return exists().where(
        RequestEvent.request_id == Request.id, RequestEvent.to_status == status.value
    )


def _narrowed(stmt: Select[*_Ts], narrowing: Narrowing) -> Select[*_Ts]:
    stmt = stmt.where(visible(narrowing.scope))
    if narrowing.offices is not None:
        stmt = stmt.where(Request.office_id.in_(sorted(narrowing.offices)))
    if narrowing.service is not None:
        stmt = stmt.where(Request.service_code == narrowing.service)
    return stmt


async def submitted_between(
    session: AsyncSession, narrowing: Narrowing, start: datetime, end: datetime
) -> list[SubmittedRow]:
    """Requests submitted in [start, end), with whether they reached review and were corrected."""
    stmt = select(
        Request.service_code,
        Request.submitted_at,
        _entered(RequestStatus.IN_REVIEW),
        _entered(RequestStatus.NEEDS_CORRECTION),
    ).where(Request.submitted_at >= start, Request.submitted_at < end)
    rows = await session.execute(_narrowed(stmt, narrowing))
    return [
        SubmittedRow(service, submitted_at, bool(reviewed), bool(corrected))
        for service, submitted_at, reviewed, corrected in rows
        if submitted_at is not None  # always set within the period; narrows the type
    ]


async def completed_between(
    session: AsyncSession, narrowing: Narrowing, start: datetime, end: datetime
) -> list[CompletedRow]:
    """Requests completed in [start, end), with their submission time and due date."""
    stmt = select(
        Request.service_code, Request.submitted_at, Request.completed_at, Request.due_date
    ).where(
        Request.status == RequestStatus.COMPLETED.value,
        Request.completed_at >= start,
        Request.completed_at < end,
    )
    rows = await session.execute(_narrowed(stmt, narrowing))
    return [
        CompletedRow(service, submitted_at, completed_at, due_date)
        for service, submitted_at, completed_at, due_date in rows
        if completed_at is not None  # always set within the period; narrows the type
    ]


async def survey_totals_by(
    session: AsyncSession, narrowing: Narrowing, start: datetime, end: datetime, *, by: str
) -> list[SurveyTotal]:
    """Survey responses given in [start, end), grouped `by` "office" or "service".

    A response belongs to the office and service copied onto it; the scope still applies
    through its request, so an operator sees the surveys about requests they can see.
    """
    r = SurveyResponse
    total = r.u1 + r.u2 + r.u3 + r.u4 + r.u5 + r.u6 + r.u7 + r.u8 + r.u9
    group = r.office_id if by == "office" else r.service_code
    stmt = (
        select(group, func.count(r.id), func.coalesce(func.sum(total), 0))
        .join(Request, and_(Request.id == r.request_id, visible(narrowing.scope)))
        .where(r.created_at >= start, r.created_at < end)
        .group_by(group)
    )
    if narrowing.offices is not None:
        stmt = stmt.where(r.office_id.in_(sorted(narrowing.offices)))
    if narrowing.service is not None:
        stmt = stmt.where(r.service_code == narrowing.service)
    rows = await session.execute(stmt)
    return [SurveyTotal(key, int(count), int(score_sum)) for key, count, score_sum in rows]


def _collected_in_person() -> ColumnElement[bool]:
    """The request was completed from `ready_for_pickup` by a person at a counter.

    The issued document reaching the resident's chat also completes a `ready_for_pickup`
    request, by DELIVERY_ACTOR: that is digital delivery, no trip. So is a completion straight
    from `processing`, and one from `out_for_delivery` is a home delivery.
    """
    e = RequestEvent
    return exists().where(
        e.request_id == Request.id,
        e.to_status == RequestStatus.COMPLETED.value,
        e.from_status == RequestStatus.READY_FOR_PICKUP.value,
        e.actor != DELIVERY_ACTOR,
    )


def trips_of(channel: str, collected_in_person: bool) -> int:
    """A completed request's trips, as `trips_between` counts them in SQL: one for applying at
    the counter, one for collecting in person."""
    return int(channel == COUNTER_CHANNEL) + int(collected_in_person)


async def collected_in_person(session: AsyncSession, request_ids: Sequence[int]) -> set[int]:
    """Which of these requests were completed by collecting the document in person (one query)."""
    if not request_ids:
        return set()
    stmt = select(Request.id).where(Request.id.in_(sorted(request_ids)), _collected_in_person())
    return set(await session.scalars(stmt))


async def trips_between(
    session: AsyncSession, narrowing: Narrowing, start: datetime, end: datetime
) -> list[TripCount]:
    """Requests completed in [start, end), counted per service, office and number of trips.

    One grouped statement: the trips of each request (taken down at the counter: one; collected
    in person: one more) are worked out in SQL and only the counts come back.
    """
    trips = case((Request.channel == COUNTER_CHANNEL, 1), else_=0) + case(
        (_collected_in_person(), 1), else_=0
    )
    each = _narrowed(
        select(
            Request.service_code.label("service"),
            Request.office_id.label("office_id"),
            trips.label("trips"),
        ).where(
            Request.status == RequestStatus.COMPLETED.value,
            Request.completed_at >= start,
            Request.completed_at < end,
        ),
        narrowing,
    ).subquery()
    keys = (each.c.service, each.c.office_id, each.c.trips)
    rows = await session.execute(select(*keys, func.count()).group_by(*keys))
    return [
        TripCount(service, office_id, int(count_trips), int(count))
        for service, office_id, count_trips, count in rows
    ]
