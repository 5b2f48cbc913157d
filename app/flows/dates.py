"""Dates as residents type them: "17-08-1990", "17/8/90", "17 Agustus 1990", "17 agt 1990"."""

from __future__ import annotations

import re
from datetime import date

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "januari january jan",
        "februari pebruari february feb peb",
        "maret march mar mrt",
        "april apr",
        "mei may",
        "juni june jun",
        "juli july jul",
        "agustus august agu agt ags agus aug",
        "september sep sept",
        "oktober october okt oct",
        "november nopember nov nop",
        "desember december des dec",
    ],
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

_NUMERIC = re.compile(r"^(\d{1,2})[\s./-]+(\d{1,2})[\s./-]+(\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDS = re.compile(r"^(\d{1,2})\s*([a-z]+)\s*,?\s*(\d{2}|\d{4})$")
_ENGLISH = re.compile(r"^([a-z]+)\s+(\d{1,2})\s*,?\s*(\d{4})$")


def parse_date(text: str, *, today: date, prefer_past: bool = True) -> date | None:
    """The date in `text`, or None when it is not one.

    Two-digit years take the century that puts the date closest on the expected side of
    `today`: "90" is 1990 for a birth date, "27" is 2027 for an expiry date.
    """
    value = text.strip().lower().replace(",", " ")
    value = re.sub(r"\s+", " ", value)
    if match := _ISO.match(value):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(value):
        day, month, year = int(match[1]), int(match[2]), match[3]
    elif match := _WORDS.match(value):
        day, month, year = int(match[1]), MONTHS.get(match[2].rstrip("."), 0), match[3]
    elif match := _ENGLISH.match(value):
        day, month, year = int(match[2]), MONTHS.get(match[1], 0), match[3]
    else:
        return None
    if len(year) == 4:
        return _make(int(year), month, day)
    return _two_digit_year(int(year), month, day, today=today, prefer_past=prefer_past)


def _two_digit_year(
    short: int, month: int, day: int, *, today: date, prefer_past: bool
) -> date | None:
    recent = _make(2000 + short, month, day)
    older = _make(1900 + short, month, day)
    if recent is None:
        return older
    if prefer_past and recent > today:
        return older
    return recent


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
