"""Working days: service times are promised in working days (Monday–Friday, not public holidays)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from app.config import Settings


@lru_cache(maxsize=16)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("ID", years=year).keys())


@lru_cache(maxsize=16)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    return dict(holidays.country_holidays("ID", years=year, language=language).items())


def holiday_name(day: date, language: str) -> str | None:
    """The name of the national holiday on `day` ("id": Indonesian, "en": English), if any."""
    return _holiday_names(day.year, "en_US" if language == "en" else "id").get(day)


def is_working_day(day: date, extra_holidays: Iterable[date] = ()) -> bool:
    """Monday to Friday, and neither an Indonesian public holiday nor an office's extra day off."""
    return (
        day.weekday() < 5
        and day not in _national_holidays(day.year)
        and day not in set(extra_holidays)
    )


def add_working_days(start: date, days: int, extra_holidays: Iterable[date] = ()) -> date:
    """The date `days` working days after `start` (the day of submission itself does not count)."""
    extra = frozenset(extra_holidays)
    current = start
    remaining = max(0, days)
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, extra):
            remaining -= 1
    return current


def received_day(
    at: datetime, tz: ZoneInfo, closing: time, extra_holidays: Iterable[date] = ()
) -> date:
    """The working day a request counts as received: its own day if it came on a working day
    before the office closed, else the next working day."""
    extra = frozenset(extra_holidays)
    local = at.astimezone(tz)
    day = local.date()
    if is_working_day(day, extra) and local.time() < closing:
        return day
    day += timedelta(days=1)
    while not is_working_day(day, extra):
        day += timedelta(days=1)
    return day


def due_date(
    at: datetime,
    service_days: int,
    tz: ZoneInfo,
    closing: time,
    extra_holidays: Iterable[date] = (),
) -> date:
    """The promised date: `service_days` working days after the day the request was received."""
    extra = frozenset(extra_holidays)
    return add_working_days(received_day(at, tz, closing, extra), service_days, extra)


def promised_date(settings: Settings, at: datetime, service_days: int) -> date:
    """The due date of a request received `at`, by the install's office hours and days off."""
    return due_date(
        at, service_days, settings.tz, settings.opening_hours[1], settings.extra_holidays
    )


def opens_next(
    at: datetime, tz: ZoneInfo, hours: tuple[time, time], extra_holidays: Iterable[date] = ()
) -> datetime:
    """`at` itself while the office is open, else the local start of its next opening period."""
    extra = frozenset(extra_holidays)
    opening, closing = hours
    local = at.astimezone(tz)
    day = local.date()
    if is_working_day(day, extra) and opening <= local.time() < closing:
        return local
    if not (is_working_day(day, extra) and local.time() < opening):
        day += timedelta(days=1)
        while not is_working_day(day, extra):
            day += timedelta(days=1)
    return datetime.combine(day, opening, tzinfo=tz)


def days_off_ahead(start: date, days: int, extra_holidays: Iterable[date] = ()) -> list[date]:
    """Weekdays from `start` on (for `days` days) that are holidays: national or the office's."""
    extra = frozenset(extra_holidays)
    ahead = (start + timedelta(days=offset) for offset in range(days))
    return [day for day in ahead if day.weekday() < 5 and not is_working_day(day, extra)]
