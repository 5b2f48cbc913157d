"""The period and office filters shared by the figures page and the export.

Dates are local calendar days in the office's timezone; a period is turned into a half-open UTC
interval [start, end) once, here, so every query compares plain timestamps on any database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.offices import service as office_service
from app.offices.models import Office
from app.operators.service import Scope

# One page covers at most a year and a day: every query stays bounded by the period.
MAX_DAYS = 366
DEFAULT_DAYS = 30
YEARS = (1900, 2999)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_OFFICE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")  # as offices.service makes them


class FilterError(ValueError):
    """A filter value cannot be used; `key` is the dashboard text that says why (→ 422)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Period:
    """Local days `first`..`last` (both included) in `tz`."""

    first: date
    last: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        """The UTC instant the first day begins."""
        return _midnight(self.first, self.tz)

    @property
    def end(self) -> datetime:
        """The UTC instant after the last day ends (exclusive)."""
        return _midnight(self.last + timedelta(days=1), self.tz)

    @property
    def days(self) -> list[date]:
        """Every day of the period, in order."""
        count = (self.last - self.first).days + 1
        return [self.first + timedelta(days=n) for n in range(count)]

    def local_day(self, at: datetime) -> date:
        """The local calendar day of a UTC timestamp."""
        return at.astimezone(self.tz).date()


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def parse_day(raw: str) -> date:
    """`2026-11-20` → that date; FilterError("fig_err_date") for anything else."""
    if not _ISO_DAY.match(raw):
        raise FilterError("fig_err_date")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise FilterError("fig_err_date") from None
    # Far-off years name no real period and would overflow when converted to UTC.
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise FilterError("fig_err_date")
    return day


def parse_period(raw_from: str, raw_to: str, tz: ZoneInfo, today: date) -> Period:
    """The period asked for; an empty end defaults to today, an empty start to 30 days before it."""
    last = parse_day(raw_to) if raw_to else today
    first = parse_day(raw_from) if raw_from else last - timedelta(days=DEFAULT_DAYS - 1)
    _check_span(first, last)
    return Period(first, last, tz)


@dataclass(frozen=True)
class Bounds:
    """A half-open UTC interval [start, end); a missing side is open."""

    start: datetime | None = None
    end: datetime | None = None

    def holds(self, at: datetime | None) -> bool:
        """True when `at` falls inside; a missing timestamp never does, unless both are open."""
        if self.start is None and self.end is None:
            return True
        if at is None:
            return False
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)


def parse_bounds(raw_from: str, raw_to: str, tz: ZoneInfo) -> Bounds:
    """For the export: no dates means every date; one date alone leaves the other side open."""
    first = parse_day(raw_from) if raw_from else None
    last = parse_day(raw_to) if raw_to else None
    if first is not None and last is not None and first > last:
        raise FilterError("fig_err_order")
    return Bounds(
        _midnight(first, tz) if first is not None else None,
        _midnight(last + timedelta(days=1), tz) if last is not None else None,
    )


def _check_span(first: date, last: date) -> None:
    if first > last:
        raise FilterError("fig_err_order")
    if (last - first).days + 1 > MAX_DAYS:
        raise FilterError("fig_err_span")


async def parse_office(session: AsyncSession, scope: Scope, code: str) -> Office | None:
    """The office named by `code` if the scope covers it; None for no code; FilterError else.

    An office outside the scope is refused exactly like an unknown one, so the filter does not
    reveal which codes exist elsewhere.
    """
    if not code:
        return None
    if not _OFFICE_CODE.match(code):  # not a code at all: no need to ask the database
        raise FilterError("fig_err_office")
    office = await office_service.get_by_code(session, code)
    if office is None or (scope is not None and office.id not in scope):
        raise FilterError("fig_err_office")
    return office


async def office_subtree(session: AsyncSession, office: Office | None) -> frozenset[int] | None:
    """The office and every office under it; None (no restriction) without an office."""
    if office is None:
        return None
    return frozenset(await office_service.descendants(session, office.id))
