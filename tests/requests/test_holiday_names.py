"""Holiday names for residents who ask whether the office opens on a day (issue 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.config import Settings
from app.conversations.context import office_info
from app.flows.context import Holiday
from app.requests.calendar import holiday_name


def test_national_holidays_have_names_in_both_languages() -> None:
    assert holiday_name(date(2026, 12, 25), "id") == "Hari Raya Natal"
    assert holiday_name(date(2026, 12, 25), "en") == "Christmas Day"
    assert holiday_name(date(2026, 8, 17), "id") == "Hari Kemerdekaan Republik Indonesia"
    assert holiday_name(date(2026, 12, 24), "id") is None


def test_the_office_context_names_national_holidays_not_the_office_days_off() -> None:
    settings = Settings(LOKET_HOLIDAYS="2026-12-24")
    now = datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # Thursday 09.00 WIB
    office = office_info(None, settings, now)
    # 45 days ahead: up to 23 January 2027.
    assert office.days_off == (
        date(2026, 12, 24),
        date(2026, 12, 25),
        date(2027, 1, 1),
        date(2027, 1, 5),
    )
    assert office.holidays == (
        Holiday(day=date(2026, 12, 25), name_id="Hari Raya Natal", name_en="Christmas Day"),
        Holiday(day=date(2027, 1, 1), name_id="Tahun Baru Masehi", name_en="New Year's Day"),
        Holiday(
            day=date(2027, 1, 5), name_id="Isra Mikraj Nabi Muhammad", name_en="Isra' and Mi'raj"
        ),
    )
