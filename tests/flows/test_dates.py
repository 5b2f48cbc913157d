"""Dates as residents type them."""

from __future__ import annotations

from datetime import date

import pytest

from app.flows.dates import parse_date

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "text",
    [
        "17-08-1990", "17/8/90", "17 Agustus 1990", "17 agt 1990", "17 agu 1990", "17.08.1990",
        "1990-08-17", "17 August 1990", "August 17, 1990", "17 AGUSTUS 1990", " 17 - 8 - 1990 ",
    ],
)  # fmt: skip
def test_the_same_date_in_many_forms(text):
    assert parse_date(text, today=TODAY) == date(1990, 8, 17)


def test_two_digit_years_pick_the_century_by_direction():
    assert parse_date("3/2/26", today=TODAY) == date(2026, 2, 3)
    assert parse_date("3/12/26", today=TODAY) == date(1926, 12, 3)
    assert parse_date("3/12/26", today=TODAY, prefer_past=False) == date(2026, 12, 3)


@pytest.mark.parametrize("text", ["31-02-1990", "17 Agustus", "kemarin", "17 bulan 1990", ""])
def test_not_dates(text):
    assert parse_date(text, today=TODAY) is None
