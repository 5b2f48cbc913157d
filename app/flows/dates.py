"""Dates as residents type them: "17-08-1990", "17/8/90", "17 Agustus 1990", "17 agt 1990".

`parse_date` reads a message that is only a date. `read_date` also finds the date inside a
sentence ("lahir tanggal 17 agustus 1965", "tgl 17 agst '65", "August 17, 1965"), reads recent
days in words ("kemarin", "2 hari yang lalu": see `relative_dates`), and says what is missing
when it cannot settle on one day: two different dates, a week but no day, a day but no year, or
a day that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from app.flows.relative_dates import INEXACT, relative_day

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

# Full month names, for abbreviations nobody listed ("agst", "septem", "nopem").
FULL_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "januari january", "februari pebruari february", "maret march", "april", "mei may",
            "juni june", "juli july", "agustus august", "september", "oktober october",
            "november nopember", "desember december",
        ],
        start=1,
    )
    for name in names.split()
}  # fmt: skip

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


Problem = Literal["several", "inexact", "no_year", "impossible"]


@dataclass(frozen=True)
class DateReading:
    """A date found in a message, or why none could be settled on.

    `relative` marks a date read from words like "kemarin" (worth echoing to the resident);
    `example` is the likely date when only the year is missing.
    """

    value: date | None = None
    problem: Problem | None = None
    relative: bool = False
    example: date | None = None


# Patterns for a date inside a sentence, most specific first. Groups: day, month, year (or
# year, month, day for ISO); a month may be a word, checked by `month_number`.
_YEAR = r"'?(\d{4}|\d{2})(?!\d)"
_IN_SENTENCE = (
    ("ymd", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("dmy", re.compile(r"(?<!\d)(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*" + _YEAR)),
    ("dmy", re.compile(r"(?<![\d./-])(\d{1,2})\s+(\d{1,2})\s+(\d{4})(?![\d./-])")),
    ("dmy", re.compile(r"tanggal\s*(\d{1,2})\s*bulan\s*(\d{1,2})\s*tahun\s*" + _YEAR)),
    (
        "dmy",
        re.compile(
            r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s*[-/.]?\s*(?:bulan\s+)?([a-z]{3,10})\.?"
            r"\s*[-/.]?\s*(?:tahun\s+)?" + _YEAR
        ),
    ),
    ("mdy", re.compile(r"\b([a-z]{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s+" + _YEAR)),
)
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s*[-/.]?\s*(?:bulan\s+)?([a-z]{3,10})\b")
_SLANG = {"tgl": "tanggal", "tg": "tanggal", "bln": "bulan", "thn": "tahun", "th": "tahun"}


def read_date(text: str, *, today: date, prefer_past: bool = True) -> DateReading:
    """The one date `text` gives, read inside a sentence too (see the module docstring)."""
    whole = parse_date(text, today=today, prefer_past=prefer_past)
    if whole is not None:
        return DateReading(value=whole)
    value = _prepare(text)
    found, impossible, taken = _dates_in(value, today=today, prefer_past=prefer_past)
    if len(found) == 1:
        return DateReading(value=found[0])
    if len(found) > 1:
        return DateReading(problem="several")
    if impossible:
        return DateReading(problem="impossible")
    rest = "".join(" " if any(a <= i < b for a, b in taken) else c for i, c in enumerate(value))
    partial = _DAY_MONTH.search(rest)
    month = month_number(partial[2]) if partial else None
    if partial is not None and month is not None:
        day = int(partial[1])
        reading = year_from_context(value, day, month, today=today, prefer_past=prefer_past)
        if reading is not None:
            return reading
    relative = relative_day(value, today=today, prefer_past=prefer_past)
    if relative == INEXACT:
        return DateReading(problem="inexact")
    if isinstance(relative, date):
        return DateReading(value=relative, relative=True)
    if partial is not None and month is not None:
        example = _likely_year(int(partial[1]), month, today=today, prefer_past=prefer_past)
        if example is None:
            return DateReading(problem="impossible")
        return DateReading(problem="no_year", example=example)
    return DateReading()


def year_from_context(
    value: str, day: int, month: int, *, today: date, prefer_past: bool
) -> DateReading | None:
    """ "17 agustus tahun lalu", "2 november kemarin": a day and month whose year is implied."""
    words = set(value.split())
    if "tahun ini" in value or "this year" in value:
        year = today.year
    elif "tahun lalu" in value or "last year" in value:
        year = today.year - 1
    elif prefer_past and words & {"kemarin", "kmrn", "lalu", "kemaren"}:
        found = _likely_year(day, month, today=today, prefer_past=True)
        return DateReading(value=found, relative=True) if found is not None else None
    else:
        return None
    found = _make(year, month, day)
    if found is None:
        return DateReading(problem="impossible")
    return DateReading(value=found, relative=True)


def month_number(word: str) -> int | None:
    """The month a word names: "agustus", "agt", "agst", "aug"; None for any other word."""
    word = word.rstrip(".")
    if word in MONTHS:
        return MONTHS[word]
    if len(word) < 3:
        return None
    matches = {
        number
        for name, number in FULL_MONTHS.items()
        if name[0] == word[0] and _subsequence(word, name)
    }
    return matches.pop() if len(matches) == 1 else None


def _subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(char in letters for char in short)


def _prepare(text: str) -> str:
    value = text.lower().replace("’", "'").replace("`", "'").replace(",", " ")
    words = [_SLANG.get(word.rstrip("."), word) for word in value.split()]
    return " ".join(words)


def _dates_in(
    value: str, *, today: date, prefer_past: bool
) -> tuple[list[date], bool, list[tuple[int, int]]]:
    """Distinct dates found, whether an impossible one was written, and the spans used."""
    found: list[date] = []
    impossible = False
    taken: list[tuple[int, int]] = []
    for order, pattern in _IN_SENTENCE:
        for match in pattern.finditer(value):
            start, end = match.span()
            if any(start < b and a < end for a, b in taken):
                continue
            parts = _parts(order, match)
            if parts is None:
                continue
            taken.append((start, end))
            day, month, year = parts
            if len(year) == 4:
                result = _make(int(year), month, day)
            else:
                result = _two_digit_year(
                    int(year), month, day, today=today, prefer_past=prefer_past
                )
            if result is None:
                impossible = True
            elif result not in found:
                found.append(result)
    return found, impossible, taken


def _parts(order: str, match: re.Match[str]) -> tuple[int, int, str] | None:
    """(day, month, year digits) of a match; None when its month word is not a month."""
    groups = [group for group in match.groups() if group not in {".", "/", "-"}]
    if order == "ymd":
        return int(groups[2]), int(groups[1]), groups[0]
    if order == "mdy":
        month = month_number(groups[0])
        return None if month is None else (int(groups[1]), month, groups[2])
    month_text = groups[1]
    month = int(month_text) if month_text.isdigit() else month_number(month_text)
    return None if month is None else (int(groups[0]), month, groups[2])


def _likely_year(day: int, month: int, *, today: date, prefer_past: bool) -> date | None:
    """The date in the nearest year on the expected side of today (for "tahunnya?")."""
    for year in (today.year, today.year - 1 if prefer_past else today.year + 1):
        found = _make(year, month, day)
        if found is not None and (found <= today if prefer_past else found >= today):
            return found
    return _make(today.year, month, day)
