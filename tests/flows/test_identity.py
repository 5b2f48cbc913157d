"""NIK and KK numbers (research §2.1–2.2)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.flows.identity import PROVINCES, IdentityError, mask_number, parse_kk, parse_nik

TODAY = date(2026, 11, 22)


def test_nik_with_separators_for_a_woman():
    info = parse_nik("13.0301 5708-90 0001", today=TODAY)
    assert (info.number, info.birth_date, info.female) == (
        "1303015708900001",
        date(1990, 8, 17),
        True,
    )


def test_nik_century_is_the_one_not_in_the_future():
    assert parse_nik("7307010505190003", today=TODAY).birth_date == date(2019, 5, 5)
    assert parse_nik("7307011203850002", today=TODAY).birth_date == date(1985, 3, 12)


@pytest.mark.parametrize("province", ["65", "92", "93", "94", "95", "96"])
def test_newer_provinces_are_accepted(province):
    # python-stdnum's outdated table rejects these; Kemendagri lists them.
    assert parse_nik(f"{province}01011708450001", today=TODAY).number.startswith(province)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("130301570890001", "length", {"count": 15}),
        ("13030157089000011", "length", {"count": 17}),
        ("13030157O8900001", "digits", {}),
        ("9903015708900001", "province", {"province": "99"}),
        ("0003015708900001", "province", {"province": "00"}),
        ("1303013208900001", "date", {}),  # day 32
        ("1303017208900001", "date", {}),  # 72 - 40 = day 32
        ("1303011513900001", "date", {}),  # month 13
        ("1303011708900000", "serial", {}),
    ],
)
def test_invalid_niks(text, code, params):
    with pytest.raises(IdentityError) as raised:
        parse_nik(text, today=TODAY)
    assert (raised.value.code, raised.value.params) == (code, params)


def test_kk_number_has_an_issue_date_without_the_plus_40_rule():
    assert parse_kk("7307012010150001", today=TODAY) == "7307012010150001"
    with pytest.raises(IdentityError) as raised:
        parse_kk("1303015708900001", today=TODAY)
    assert raised.value.code == "date"


@given(
    province=st.sampled_from(sorted(PROVINCES)),
    born=st.dates(min_value=date(1927, 1, 1), max_value=TODAY),
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_any_well_formed_nik_round_trips(province, born, female, serial):
    day = born.day + 40 if female else born.day
    number = f"{province}0101{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    info = parse_nik(number, today=TODAY)
    assert info.female is female
    assert (info.birth_date.day, info.birth_date.month) == (born.day, born.month)
    assert info.birth_date.year % 100 == born.year % 100


def test_a_number_shown_to_the_resident_keeps_only_its_ends() -> None:
    assert mask_number("3201014508900003") == "3201••••••••0003"
    assert mask_number("3201014508900003", "*") == "3201********0003"
    assert mask_number("12345") == "•2345"
