"""Recent days in words: "kemarin", "tadi pagi", "semalam", "2 hari yang lalu", "senin kemarin".

A death or a birth is often reported within days, in words. `relative_day` turns those words
into the day they mean, counted from today. A vague span ("minggu lalu", "bulan lalu",
"beberapa hari lalu") names no single day: it is reported as `INEXACT`, so the resident is asked
for the exact date rather than given a guess.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Final, Literal

from app.flows.numbers import word_number
from app.flows.textmatch import normalize

INEXACT: Final = "inexact"
Relative = date | Literal["inexact"] | None

_SLANG = {
    "kemaren": "kemarin", "kmaren": "kemarin", "kmarin": "kemarin", "kmrin": "kemarin",
    "td": "tadi", "tdi": "tadi", "hr": "hari", "yll": "yang lalu", "mgg": "minggu",
    "mggu": "minggu", "mingu": "minggu", "bln": "bulan", "smlm": "semalam", "bsk": "besok",
    "besuk": "besok", "jumat": "jumat", "jum": "jumat", "at": "",
}  # fmt: skip
WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "ahad": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_AGO = r"(?:yang\s+)?(?:lalu|lewat|kemarin|sebelumnya|ago)"
_DAYS_AGO = re.compile(r"\b((?:[a-z]+\s+){0,2}?[a-z0-9]+)\s+(?:hari|days?)\s+" + _AGO + r"\b")
_INEXACT = re.compile(
    r"\b(?:(?:\w+\s+)?minggu\s+(?:yang\s+)?(?:lalu|kemarin|kmrn)|seminggu|sebulan|setahun"
    r"|bulan\s+(?:yang\s+)?(?:lalu|kemarin)|tahun\s+(?:yang\s+)?lalu|beberapa\s+hari"
    r"|kemarin\s+kemarin|baru\s+baru\s+ini|akhir\s+akhir\s+ini|last\s+(?:week|month|year)"
    r"|(?:a|one|two|few|\d+)\s+(?:weeks?|months?)\s+ago|few\s+days|(?:\w+\s+)?bulan\s+lalu)\b"
)
# Phrases for one day, longest first; the number is days from today.
_DAYS = (
    ("kemarin lusa", -2), ("tadi malam", -1), ("kemarin malam", -1), ("kemarin sore", -1),
    ("kemarin pagi", -1), ("kemarin siang", -1), ("last night", -1), ("semalam", -1),
    ("kemarin", -1), ("yesterday", -1), ("sehari yang lalu", -1), ("sehari lalu", -1),
    ("hari ini", 0), ("tadi pagi", 0), ("tadi siang", 0), ("tadi sore", 0), ("pagi ini", 0),
    ("pagi tadi", 0), ("subuh tadi", 0), ("tadi subuh", 0), ("barusan", 0), ("today", 0),
    ("this morning", 0), ("tadi", 0), ("besok lusa", 2), ("lusa", 2), ("besok", 1),
    ("tomorrow", 1),
)  # fmt: skip


def relative_day(text: str, *, today: date, prefer_past: bool = True) -> Relative:
    """The day recent-day words in `text` mean, `INEXACT` for a vague span, None for none."""
    value = _prepare(text)
    if _INEXACT.search(value) and not re.search(r"\bhari\s+minggu\b", value):
        return INEXACT
    if match := _DAYS_AGO.search(value):
        count = word_number(match[1])
        if count is None:  # "umur 70 meninggal 2 hari lalu": the number next to "hari"
            count = word_number(match[1].split()[-1])
        if count is not None:
            return today - timedelta(days=count)
    weekday = _weekday(value, today=today, prefer_past=prefer_past)
    if weekday is not None:
        return weekday
    padded = f" {value} "
    for phrase, offset in _DAYS:
        if f" {phrase} " in padded:
            return today + timedelta(days=offset)
    return None


def _weekday(value: str, *, today: date, prefer_past: bool) -> date | None:
    """ "senin kemarin" / "hari minggu": the nearest such day before (or after) today."""
    words = value.split()
    for index, word in enumerate(words):
        number = WEEKDAYS.get(word)
        if word == "minggu" and index > 0 and words[index - 1] == "hari":
            number = 6
        if number is None:
            continue
        later = " ".join(words[index + 1 : index + 3])
        if prefer_past:
            back = (today.weekday() - number) % 7
            if back == 0 and any(w in later.split() for w in ("lalu", "kemarin", "kmrn")):
                back = 7
            return today - timedelta(days=back)
        ahead = (number - today.weekday()) % 7
        if ahead == 0 and "depan" in later.split():
            ahead = 7
        return today + timedelta(days=ahead)
    return None


def _prepare(text: str) -> str:
    words: list[str] = []
    for word in normalize(text).split():
        words += _SLANG.get(word, word).split()
    return " ".join(words)
