"""The figures page's numbers: requests per day, turnaround, on-time and first-review shares, IKM.

Each figure is a small table keyed by service (or office), computed from the narrow rows of
`repository` so the same code gives the same numbers on SQLite and PostgreSQL. The bases differ
on purpose: volumes and first-review acceptance count requests *submitted* in the period,
turnaround, on-time and trips to the office (`app.reports.trips`) count requests *completed* in
it, and IKM counts surveys *answered* in it.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.feedback.service import grade_for, ikm_index
from app.offices import repository as offices
from app.offices.models import Office
from app.reports import repository
from app.reports.filters import Period
from app.reports.repository import CompletedRow, Narrowing, SubmittedRow, SurveyTotal
from app.reports.trips import TripFigures, trip_figures

SECONDS_PER_DAY = 86_400


@dataclass(frozen=True)
class DayRow:
    """One day: how many requests of each service (in `PerDay.services` order) were submitted."""

    day: date
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class PerDay:
    services: list[str]
    rows: list[DayRow]

    def service_total(self, index: int) -> int:
        return sum(row.counts[index] for row in self.rows)


@dataclass(frozen=True)
class Turnaround:
    """Median days from submission to completion over `completed` requests of one service."""

    service: str
    completed: int
    median_days: float


@dataclass(frozen=True)
class Share:
    """`part` of `whole` requests of one service (on time, or accepted at first review)."""

    service: str
    part: int
    whole: int

    @property
    def percent(self) -> float:
        return 100 * self.part / self.whole


@dataclass(frozen=True)
class Ikm:
    """The satisfaction index of one group: `key` is an office code or a service code."""

    key: str
    name: str
    responses: int
    index: float
    grade: str


@dataclass(frozen=True)
class Figures:
    per_day: PerDay
    turnaround: list[Turnaround]
    on_time: list[Share]
    first_review: list[Share]
    ikm_by_office: list[Ikm]
    ikm_by_service: list[Ikm]
    ikm_total: Ikm | None
    trips: TripFigures


def service_order(codes: Iterable[str], catalog_order: list[str]) -> list[str]:
    """Services in menu order; codes no longer in the catalog after them, alphabetically."""
    present = set(codes)
    known = [code for code in catalog_order if code in present]
    return known + sorted(present - set(known))


def per_day(rows: list[SubmittedRow], period: Period, catalog_order: list[str]) -> PerDay:
    """Submissions per local day and service, every day of the period listed (zeros too)."""
    counted = Counter((period.local_day(row.submitted_at), row.service) for row in rows)
    services = service_order((row.service for row in rows), catalog_order)
    day_rows = [DayRow(day, [counted[(day, s)] for s in services]) for day in period.days]
    return PerDay(services, day_rows)


def turnaround(rows: list[CompletedRow], catalog_order: list[str]) -> list[Turnaround]:
    """Median turnaround in days per service; requests without a submission time are left out."""
    durations: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.submitted_at is not None:
            seconds = (row.completed_at - row.submitted_at).total_seconds()
            durations[row.service].append(seconds / SECONDS_PER_DAY)
    return [
        Turnaround(s, len(durations[s]), statistics.median(durations[s]))
        for s in service_order(durations, catalog_order)
    ]


def on_time(rows: list[CompletedRow], period: Period, catalog_order: list[str]) -> list[Share]:
    """Per service, completed requests whose local completion day is on or before the due date.

    A request without a due date has no promise to keep, so it is counted in neither part.
    """
    done: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    for row in rows:
        if row.due_date is None:
            continue
        done[row.service] += 1
        if period.local_day(row.completed_at) <= row.due_date:
            kept[row.service] += 1
    return [Share(s, kept[s], done[s]) for s in service_order(done, catalog_order)]


def first_review(rows: list[SubmittedRow], catalog_order: list[str]) -> list[Share]:
    """Per service, requests that reached review and never went back for correction."""
    reviewed: Counter[str] = Counter()
    accepted: Counter[str] = Counter()
    for row in rows:
        if row.reached_review:
            reviewed[row.service] += 1
            if not row.corrected:
                accepted[row.service] += 1
    return [Share(s, accepted[s], reviewed[s]) for s in service_order(reviewed, catalog_order)]


def ikm(key: str, name: str, responses: int, score_sum: int) -> Ikm:
    """One group's IKM with the feedback module's own formula and grade table."""
    index = ikm_index(score_sum, responses)
    return Ikm(key, name, responses, round(index, 2), grade_for(index))


def _ikm_by_office(totals: list[SurveyTotal], known: dict[int, Office], unknown: str) -> list[Ikm]:
    """By office code; surveys whose office was removed are grouped last as `unknown`."""
    found = []
    for total in totals:
        office = known.get(int(total.key)) if total.key is not None else None
        code, name = (office.code, office.name) if office else ("", unknown)
        found.append(ikm(code, name, total.responses, total.score_sum))
    return sorted(found, key=lambda row: (row.key == "", row.key))


async def compute(
    session: AsyncSession,
    narrowing: Narrowing,
    period: Period,
    service_names: dict[str, str],
    *,
    unknown_office: str,
) -> Figures:
    """Every figure of the page for one period; `service_names` is in menu order."""
    order = list(service_names)
    start, end = period.start, period.end
    submitted = await repository.submitted_between(session, narrowing, start, end)
    completed = await repository.completed_between(session, narrowing, start, end)
    by_office = await repository.survey_totals_by(session, narrowing, start, end, by="office")
    by_service = await repository.survey_totals_by(session, narrowing, start, end, by="service")
    trips = await repository.trips_between(session, narrowing, start, end)
    known = {office.id: office for office in await offices.all_offices(session)}
    service_ikm = [
        ikm(code, service_names.get(code, code), total.responses, total.score_sum)
        for code in service_order((str(t.key) for t in by_service), order)
        for total in by_service
        if total.key == code
    ]
    responses = sum(t.responses for t in by_service)
    overall = ikm("", "", responses, sum(t.score_sum for t in by_service)) if responses else None
    return Figures(
        per_day=per_day(submitted, period, order),
        turnaround=turnaround(completed, order),
        on_time=on_time(completed, period, order),
        first_review=first_review(submitted, order),
        ikm_by_office=_ikm_by_office(by_office, known, unknown_office),
        ikm_by_service=service_ikm,
        ikm_total=overall,
        trips=trip_figures(
            trips,
            service_order((row.service for row in trips), order),
            service_names,
            known,
            unknown_office,
        ),
    )
