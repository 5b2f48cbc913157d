"""Periods, dates and the office filter of the figures page and the export."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.service import NewOffice, create_office
from app.reports.filters import (
    Bounds,
    FilterError,
    Period,
    office_subtree,
    parse_bounds,
    parse_day,
    parse_office,
    parse_period,
)

WIB = ZoneInfo("Asia/Jakarta")
TODAY = date(2026, 11, 22)


def test_the_default_period_is_the_30_days_up_to_today() -> None:
    period = parse_period("", "", WIB, TODAY)
    assert (period.first, period.last) == (date(2026, 10, 24), TODAY)
    assert len(period.days) == 30
    assert parse_period("", "2026-11-07", WIB, TODAY).first == date(2026, 10, 9)
    assert parse_period("2026-11-20", "", WIB, TODAY).last == TODAY


def test_a_period_is_local_days_as_a_half_open_utc_interval() -> None:
    period = Period(date(2026, 11, 1), date(2026, 11, 7), WIB)
    assert period.start == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 11, 7, 17, 0, tzinfo=UTC)
    assert period.days[0] == date(2026, 11, 1) and period.days[-1] == date(2026, 11, 7)
    # 23:30 UTC on 1 November is already 2 November in Jakarta.
    assert period.local_day(datetime(2026, 11, 1, 23, 30, tzinfo=UTC)) == date(2026, 11, 2)


@pytest.mark.parametrize(
    "raw",
    ["", "2026-1-01", "20261101", "2026-11-31", "2026-02-29", "0001-01-01", "9999-12-31", " x"],
)
def test_only_real_iso_dates_in_a_sane_range_are_days(raw: str) -> None:
    with pytest.raises(FilterError) as caught:
        parse_day(raw)
    assert caught.value.key == "fig_err_date"


def test_order_and_span_are_checked() -> None:
    with pytest.raises(FilterError) as caught:
        parse_period("2026-11-08", "2026-11-07", WIB, TODAY)
    assert caught.value.key == "fig_err_order"
    assert len(parse_period("2025-11-07", "2026-11-07", WIB, TODAY).days) == 366
    with pytest.raises(FilterError) as caught:
        parse_period("2025-11-06", "2026-11-07", WIB, TODAY)
    assert caught.value.key == "fig_err_span"


def test_export_bounds_may_be_open_on_either_side() -> None:
    assert parse_bounds("", "", WIB) == Bounds(None, None)
    bounds = parse_bounds("2026-11-01", "", WIB)
    assert bounds == Bounds(datetime(2026, 10, 31, 17, tzinfo=UTC), None)
    assert bounds.holds(datetime(2026, 10, 31, 17, tzinfo=UTC))
    assert not bounds.holds(datetime(2026, 10, 31, 16, 59, tzinfo=UTC))
    assert not bounds.holds(None)  # a request never submitted has no submission date
    until = parse_bounds("", "2026-11-07", WIB)
    assert until.holds(datetime(2026, 11, 7, 16, 59, tzinfo=UTC))
    assert not until.holds(datetime(2026, 11, 7, 17, 0, tzinfo=UTC))
    assert Bounds().holds(None)
    with pytest.raises(FilterError):
        parse_bounds("2026-11-08", "2026-11-07", WIB)


async def test_the_office_must_be_known_and_in_scope(db_session: AsyncSession) -> None:
    kab = await create_office(db_session, NewOffice("KAB", "Kabupaten", "regency"))
    kec = await create_office(db_session, NewOffice("KEC", "Kecamatan", "district", "KAB"))
    desa = await create_office(db_session, NewOffice("DESA", "Desa", "village", "KEC"))
    assert await parse_office(db_session, None, "") is None
    assert await parse_office(db_session, None, "KEC") == kec
    assert await parse_office(db_session, frozenset({kec.id, desa.id}), "DESA") == desa
    for scope, code in ((frozenset({desa.id}), "KEC"), (None, "NOPE"), (None, "KEC A")):
        with pytest.raises(FilterError) as caught:
            await parse_office(db_session, scope, code)
        assert caught.value.key == "fig_err_office"
    assert await office_subtree(db_session, None) is None
    assert await office_subtree(db_session, kec) == {kec.id, desa.id}
    assert await office_subtree(db_session, kab) == {kab.id, kec.id, desa.id}
