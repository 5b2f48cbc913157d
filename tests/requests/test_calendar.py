"""Working days and due dates: holidays, weekends, office closing time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from app.config import Settings
from app.requests.calendar import (
    add_working_days,
    days_off_ahead,
    due_date,
    is_working_day,
    opens_next,
    received_day,
)

WITA = ZoneInfo("Asia/Makassar")
CLOSING = time(16, 0)


def test_weekends_and_national_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 11, 20))  # Friday
    assert not is_working_day(date(2026, 11, 21))  # Saturday
    assert not is_working_day(date(2026, 8, 17))  # Independence Day, a Monday
    assert not is_working_day(date(2026, 11, 23), [date(2026, 11, 23)])  # an office's day off


def test_add_working_days_skips_weekends_and_extra_days_off() -> None:
    # Friday + 1 working day is Monday; with Monday off, Tuesday.
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    assert add_working_days(date(2026, 11, 20), 1, [date(2026, 11, 23)]) == date(2026, 11, 24)
    assert add_working_days(date(2026, 11, 20), 0) == date(2026, 11, 20)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 23, 9, 30), date(2026, 11, 23)),  # Monday, office open
        (datetime(2026, 11, 23, 6, 0), date(2026, 11, 23)),  # Monday before opening
        (datetime(2026, 11, 23, 16, 0), date(2026, 11, 24)),  # Monday, at closing time
        (datetime(2026, 11, 20, 20, 0), date(2026, 11, 23)),  # Friday evening → Monday
        (datetime(2026, 11, 21, 10, 0), date(2026, 11, 23)),  # Saturday → Monday
    ],
)
def test_received_day_follows_office_hours(local: datetime, expected: date) -> None:
    at = local.replace(tzinfo=WITA).astimezone(UTC)
    assert received_day(at, WITA, CLOSING) == expected


def test_due_date_counts_from_the_received_day() -> None:
    friday_evening = datetime(2026, 11, 20, 20, 0, tzinfo=WITA)
    # Received Monday 23rd; 14 working days later is Friday 11 December.
    assert due_date(friday_evening, 14, WITA, CLOSING) == date(2026, 12, 11)
    friday_noon = datetime(2026, 11, 20, 12, 0, tzinfo=WITA)
    assert due_date(friday_noon, 1, WITA, CLOSING) == date(2026, 11, 23)
    assert due_date(friday_noon, 1, WITA, CLOSING, [date(2026, 11, 23)]) == date(2026, 11, 24)


def test_settings_parse_holidays_and_office_hours() -> None:
    settings = Settings(LOKET_HOLIDAYS="2026-12-24, 2026-12-26", LOKET_OFFICE_HOURS="07.30-15.00")
    assert settings.extra_holidays == frozenset({date(2026, 12, 24), date(2026, 12, 26)})
    assert settings.opening_hours == (time(7, 30), time(15, 0))
    assert Settings().opening_hours == (time(8, 0), time(16, 0))


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("LOKET_HOLIDAYS", "2026-13-01", "LOKET_HOLIDAYS: '2026-13-01' is not a YYYY-MM-DD date"),
        ("LOKET_OFFICE_HOURS", "pagi", "LOKET_OFFICE_HOURS: 'pagi' is not like 08:00-16:00"),
        ("LOKET_OFFICE_HOURS", "16:00-08:00", "the office must open before it closes"),
        ("LOKET_OFFICE_HOURS", "25:00-26:00", "is not like 08:00-16:00"),
    ],
)
def test_settings_refuse_bad_calendar_values(name: str, value: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        Settings(**{name: value})


JAKARTA = ZoneInfo("Asia/Jakarta")
HOURS = (time(8, 0), time(16, 0))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        # Open: the answer is now.
        (datetime(2026, 11, 25, 10, 30, tzinfo=JAKARTA), datetime(2026, 11, 25, 10, 30)),
        # Before opening on a working day: at 08:00 the same day.
        (datetime(2026, 11, 25, 6, 0, tzinfo=JAKARTA), datetime(2026, 11, 25, 8, 0)),
        # After closing on Friday: Monday 08:00.
        (datetime(2026, 11, 27, 17, 0, tzinfo=JAKARTA), datetime(2026, 11, 30, 8, 0)),
        # Christmas Eve evening: the 25th is a holiday and then a weekend: Monday 28th.
        (datetime(2026, 12, 24, 18, 0, tzinfo=JAKARTA), datetime(2026, 12, 28, 8, 0)),
    ],
)
def test_opens_next_is_now_while_open_else_the_next_opening(
    local: datetime, expected: datetime
) -> None:
    got = opens_next(local.astimezone(UTC), JAKARTA, HOURS)
    assert got.replace(tzinfo=None) == expected and got.utcoffset() == JAKARTA.utcoffset(expected)


def test_days_off_ahead_lists_weekday_holidays_only() -> None:
    extra = {date(2026, 12, 31)}
    assert days_off_ahead(date(2026, 12, 20), 14, extra) == [
        date(2026, 12, 25),
        date(2026, 12, 31),
        date(2027, 1, 1),
    ]
