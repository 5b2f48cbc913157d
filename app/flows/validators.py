"""Checking one typed answer against its field's validator.

A verdict either carries the value to store or an error code (a key under `invalid.` in the
message files) with the parameters the message needs, so the resident is told exactly what was
wrong and shown an example. Answers are read inside sentences ("nik sy 7307 0512 3456 0001
pak", "lahir tanggal 17 agustus 1965", "nama saya Haji Baso", "dua belas"); a message that is
clearly not an answer ("iya ada apa?", "terima kasih", "NIK sy ga tau") is refused with the
error `not_an_answer` and its kind, and never stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from app.flows.catalog import FieldSpec, Service
from app.flows.choice_reading import SYNONYMS, relationship, yes_no_answer
from app.flows.dates import read_date
from app.flows.identity import IdentityError, clean, parse_kk, parse_nik, scan_numbers
from app.flows.names import proper_case, read_name
from app.flows.nonanswers import non_answer, without_trailing_thanks
from app.flows.numbers import find_numbers
from app.flows.phones import check_phone
from app.flows.textmatch import Option, normalize, pick_option
from app.flows.verdict import NOT_AN_ANSWER, Verdict

__all__ = ["NOT_AN_ANSWER", "Verdict", "choice_options", "nik_warnings", "validate"]

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ .,'’\-]+[^\W\d_]+)*\.?$")
MAX_NAME = 100
# A digit run this long that is not 16 digits is a mistyped NIK, not some other number.
MIN_NUMBER_RUN = 6
# Words that add people or things up: the one number written is not the total.
_ADDING = frozenset({"dan", "sama", "dengan", "plus", "and", "tambah", "beserta"})


def validate(
    spec: FieldSpec, text: str, *, today: date, answers: dict[str, Any], service: Service
) -> Verdict:
    """Check `text` as an answer to `spec`; `answers` are the draft's earlier answers."""
    text = text.strip()
    if not text:
        return Verdict(error="empty")
    match spec.validator:
        case "nik":
            return _nik(text, today)
        case "kk":
            return _kk(text, today, _nik_values(spec, answers, service))
        case "date":
            return _date(spec, text, today)
        case "phone":
            return _phone(text)
        case "name":
            return _name(text)
        case "number":
            return _number(spec, text)
        case "choice":
            return _choice(spec, text)
        case _:
            return _text(spec, text)


def check_nik(text: str, today: date) -> Verdict:
    """A NIK typed outside a catalog field (a collector's NIK): the same checks as a field."""
    return _nik(text.strip(), today)


def check_name(text: str) -> Verdict:
    """A person's name typed outside a catalog field: the same checks as a name field."""
    return _name(text.strip())


def choice_options(spec: FieldSpec) -> list[Option]:
    """The choices of a choice field as options to match typed answers against."""
    return [
        Option(choice.id, (choice.title.id, choice.title.en), choice.keywords)
        for choice in spec.choices
    ]


def refused(kind: str) -> Verdict:
    """The verdict on a message that is not an answer at all."""
    return Verdict(error=NOT_AN_ANSWER, params={"kind": kind})


def _nik(text: str, today: date) -> Verdict:
    return _sixteen(text, "nik", lambda number: parse_nik(number, today=today).number, set())


def _kk(text: str, today: date, niks: set[str]) -> Verdict:
    if clean(text) in niks:  # the most common mistake: checked first
        return Verdict(error="kk_same_as_nik")
    found = scan_numbers(text).candidates
    if found and all(number in niks for number in found):
        return Verdict(error="kk_same_as_nik")
    # "nik 1303... kk 7307...": the NIK given earlier is not the KK number asked for.
    return _sixteen(text, "kk", lambda number: parse_kk(number, today=today), niks)


def _sixteen(text: str, prefix: str, parse: Callable[[str], str], known: set[str]) -> Verdict:
    """A NIK or KK number: the whole message, or the one 16-digit number inside it."""
    whole = clean(text)
    scan = scan_numbers(text)
    if whole.isdigit():
        number = _repeated(whole)  # "7307… 7307…": the same number sent twice is one
    else:
        candidates = [number for number in scan.candidates if number not in known]
        if len(candidates) > 1:
            shown = " / ".join(f"…{number[-4:]}" for number in candidates)  # "…0003 / …0004"
            return Verdict(
                error=f"{prefix}_several", params={"count": len(candidates), "numbers": shown}
            )
        if not candidates:
            return _no_sixteen(text, prefix, scan.runs, scan.lookalike)
        number = candidates[0]
    try:
        return Verdict(value=parse(number))
    except IdentityError as exc:
        return Verdict(error=f"{prefix}_{exc.code}", params=dict(exc.params))


def _repeated(digits: str) -> str:
    """The number itself when `digits` is one 16-digit number typed several times."""
    chunks = {digits[i : i + 16] for i in range(0, len(digits), 16)}
    return (
        chunks.pop() if len(digits) > 16 and len(digits) % 16 == 0 and len(chunks) == 1 else digits
    )


def _no_sixteen(text: str, prefix: str, runs: tuple[str, ...], lookalike: bool) -> Verdict:
    if lookalike:  # "13030157O8900001": a letter typed for a digit
        return Verdict(error=f"{prefix}_digits")
    longest = max(runs, key=len, default="")
    if len(longest) >= MIN_NUMBER_RUN:
        return Verdict(error=f"{prefix}_length", params={"count": len(longest)})
    kind = non_answer(text, strict=True)
    return refused(kind) if kind else Verdict(error=f"{prefix}_digits")


def _nik_values(spec: FieldSpec, answers: dict[str, Any], service: Service) -> set[str]:
    keys = {spec.nik_field} if spec.nik_field else set()
    keys |= {item.key for item in service.fields if item.validator == "nik"}
    return {str(answers[key]) for key in keys if key in answers}


def _date(spec: FieldSpec, text: str, today: date) -> Verdict:
    reading = read_date(text, today=today, prefer_past=spec.dates != "future")
    found = reading.value
    if found is None:
        if reading.problem == "no_year":
            return Verdict(error="date_no_year", params={"example": reading.example})
        if reading.problem == "inexact":  # "minggu lalu": ask for the day, show the format
            week = timedelta(days=7 if spec.dates == "future" else -7)
            return Verdict(error="date_inexact", params={"example": today + week})
        if reading.problem is not None:
            return Verdict(error=f"date_{reading.problem}")
        kind = non_answer(text, strict=True)
        return refused(kind) if kind else Verdict(error="date_format")
    if found.year < 1900:
        return Verdict(error="date_format")
    if spec.dates == "past" and found > today:
        return Verdict(error="date_future")
    if spec.dates == "future" and found < today:
        return Verdict(error="date_past")
    read = {"read": found.isoformat()} if reading.relative else {}
    return Verdict(value=found.isoformat(), params=read)


def _phone(text: str) -> Verdict:
    if not any(char.isdigit() for char in text) and any(char.isalpha() for char in text):
        kind = non_answer(text, strict=True)
        if kind is not None:
            return refused(kind)
    return check_phone(text)


def _name(text: str) -> Verdict:
    kind = non_answer(text, strict=True)
    if kind is not None:
        return refused(kind)
    reading = read_name(text)
    name = " ".join(reading.name.split())
    if not name:  # only the words around a name ("nama sesuai ktp")
        return Verdict(error="name_sentence")
    if any(char.isdigit() for char in name):
        return Verdict(error="name_digits")
    if sum(char.isalpha() for char in name) < 2:
        return Verdict(error="name_short")
    if reading.sentence:
        return Verdict(error="name_sentence")
    if len(name) > MAX_NAME or not _NAME_CHARS.match(name):
        return Verdict(error="name_chars")
    if reading.junk:
        return Verdict(error="name_unclear")
    return Verdict(value=proper_case(name))


def _number(spec: FieldSpec, text: str) -> Verdict:
    if "?" in text and len(text.split()) > 2:  # "harus 2 orang?" asks; "12?" answers
        return refused("question")
    numbers = list(dict.fromkeys(find_numbers(text)))
    if not numbers:
        kind = non_answer(text, strict=True)
        return refused(kind) if kind else Verdict(error="number_format")
    if len(numbers) > 1:
        return Verdict(error="number_several")
    if _ADDING.intersection(normalize(text).split()) or "+" in text:
        return Verdict(error="number_total")  # "saya sama istri dan 2 anak": how many in all?
    amount = numbers[0]
    low, high = spec.min_value, spec.max_value
    if (low is not None and amount < low) or (high is not None and amount > high):
        return Verdict(error="number_range", params={"min": _show(low), "max": _show(high)})
    return Verdict(value=int(amount) if amount.is_integer() else amount)


def _show(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if value.is_integer() else str(value)


def _choice(spec: FieldSpec, text: str) -> Verdict:
    ids = {choice.id for choice in spec.choices}
    kind = non_answer(text)
    if kind in {"question", "dont_know"}:
        return refused(kind)
    if {"ya", "tidak"} <= ids:
        answer = yes_no_answer(text)  # "ok", "enten", "belum ada", "mboten wonten"
        if answer is not None:
            return Verdict(value=answer)
    if {"anak", "orang_tua"} <= ids:
        related = relationship(text)  # "istrinya", "anak sy", "bapak saya"
        if related in ids:
            return Verdict(value=related)
    options = [
        Option(option.id, option.titles, (*option.keywords, *SYNONYMS.get(option.id, ())))
        for option in choice_options(spec)
    ]
    option = pick_option(text, options)
    if option is not None:
        return Verdict(value=option.id)
    return refused(kind) if kind is not None else Verdict(error="choice")


def _text(spec: FieldSpec, text: str) -> Verdict:
    kind = non_answer(text)
    if kind is not None:
        return refused(kind)
    value = " ".join(without_trailing_thanks(text).split())
    if len(value) > spec.max_length:
        return Verdict(error="text_long", params={"max": spec.max_length})
    return Verdict(value=value)


def nik_warnings(service: Service, answers: dict[str, Any], *, today: date) -> dict[str, list[str]]:
    """Per NIK field, where the NIK disagrees with a stated birth date or sex (for staff)."""
    warnings: dict[str, list[str]] = {}
    for spec in service.fields:
        if spec.nik_field is None or spec.key not in answers or spec.validator == "kk":
            continue
        nik = answers.get(spec.nik_field)
        if nik is None:
            continue
        try:
            info = parse_nik(str(nik), today=today)
        except IdentityError:
            continue
        code = _mismatch(spec, answers[spec.key], info.birth_date, info.female)
        if code is not None:
            warnings.setdefault(spec.nik_field, []).append(code)
    return warnings


def _mismatch(spec: FieldSpec, value: Any, birth: date, female: bool) -> str | None:
    if spec.validator == "date":
        stated = date.fromisoformat(str(value))
        # The NIK holds only two year digits; compare day, month and those digits.
        same = (stated.day, stated.month, stated.year % 100) == (
            birth.day,
            birth.month,
            birth.year % 100,
        )
        return None if same else "nik_birth_date_mismatch"
    if spec.validator == "choice" and value in {"laki_laki", "perempuan"}:
        return None if (value == "perempuan") == female else "nik_sex_mismatch"
    return None
