"""Indonesian identity numbers: the NIK and the KK number.

NIK layout `PP KK CC DD MM YY SSSS` (province, regency, district, day of birth + 40 for women,
month, year, serial). There is no check digit, and a wrong-but-permanent NIK exists, so a NIK
that disagrees with a stated birth date or sex is only a warning. Region codes are checked only
at province level, against the Kemendagri list (python-stdnum's table is outdated and lacks 65
and 92-96, so it is not used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Kemendagri province codes (Kepmendagri 300.2.2-2138/2025: 38 provinces).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53}
    | {61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96}
)
LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-]")
# Digit groups with the separators people type between them ("7307 0512 3456 0001").
_RUN = re.compile(r"\d+(?:[ \t.\-]{1,3}\d+)*")
_GROUP = re.compile(r"\d+")
# A word of digits with a letter typed for one ("13030157O8900001"): a typo, not two numbers.
_LOOKALIKE = re.compile(r"[\dOoIl|.\-]*\d[\dOoIl|.\-]*")
_WORD_SPLIT = re.compile(r"[\s:;,=()/]+")
_LETTER_AMONG_DIGITS = re.compile(r"\d{2}[\s.\-]?[OoIl|][\s.\-]?\d{2}")


@dataclass(frozen=True)
class NikInfo:
    """What a NIK says about its holder."""

    number: str
    birth_date: date
    female: bool


class IdentityError(ValueError):
    """Why a number is not a valid NIK or KK number: `code` and message parameters."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def mask_number(value: str, mark: str = "•") -> str:
    """`3201014508900003` → `3201••••••••0003`: its region and serial ends, which let a person
    recognise their number, without the birth date and sex in between; anything shorter keeps
    only its last 4 digits."""
    if len(value) >= 12:
        return value[:4] + mark * (len(value) - 8) + value[-4:]
    return mark * max(len(value) - 4, 0) + value[-4:]


def clean(text: str) -> str:
    """The number without spaces, dots or dashes."""
    return _SEPARATORS.sub("", text.strip())


@dataclass(frozen=True)
class NumberScan:
    """The numbers in a message: 16-digit candidates, every digit run, and look-alike typos."""

    candidates: tuple[str, ...]
    runs: tuple[str, ...]
    lookalike: bool


def scan_numbers(text: str) -> NumberScan:
    """Find the 16-digit numbers written inside a sentence ("nik sy 7307 0512 3456 0001 pak").

    A run of digit groups longer than 16 digits (a NIK and a phone number typed one after
    the other) yields each stretch of whole groups that makes exactly 16 digits.
    """
    candidates: list[str] = []
    runs: list[str] = []
    for match in _RUN.finditer(text):
        groups = _GROUP.findall(match.group())
        runs.append("".join(groups))
        for start in range(len(groups)):
            total = ""
            for group in groups[start:]:
                total += group
                if len(total) >= LENGTH:
                    break
            if len(total) == LENGTH and total not in candidates:
                candidates.append(total)
    lookalike = bool(_LETTER_AMONG_DIGITS.search(text)) or any(
        _LOOKALIKE.fullmatch(word) and any(c.isalpha() for c in word)
        for word in _WORD_SPLIT.split(text)
        if sum(c.isdigit() for c in word) >= 6
    )
    return NumberScan(tuple(candidates), tuple(runs), lookalike)


def parse_nik(text: str, *, today: date) -> NikInfo:
    """The NIK in `text`, or IdentityError("length" | "digits" | "province" | "date" | "serial")."""
    number = _sixteen_digits(text)
    day = int(number[6:8])
    female = day > 40
    birth = _date_either_century(day - 40 if female else day, number[8:10], number[10:12], today)
    if birth is None:
        raise IdentityError("date")
    if number[12:] == "0000":
        raise IdentityError("serial")
    return NikInfo(number=number, birth_date=birth, female=female)


def parse_kk(text: str, *, today: date) -> str:
    """The KK number in `text`, or IdentityError: its digits 7-12 are an issue date (no +40)."""
    number = _sixteen_digits(text)
    if _date_either_century(int(number[6:8]), number[8:10], number[10:12], today) is None:
        raise IdentityError("date")
    return number


def _sixteen_digits(text: str) -> str:
    number = clean(text)
    if not number.isdigit():
        raise IdentityError("digits")
    if len(number) != LENGTH:
        raise IdentityError("length", count=len(number))
    if int(number[:2]) not in PROVINCES:
        raise IdentityError("province", province=number[:2])
    return number


def _date_either_century(day: int, month: str, year: str, today: date) -> date | None:
    """The date in 20yy if that is not in the future, otherwise in 19yy."""
    for century in (2000, 1900):
        try:
            found = date(century + int(year), int(month), day)
        except ValueError:
            continue
        if found <= today:
            return found
    return None
