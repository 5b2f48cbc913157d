"""Checking one typed answer against its field's validator.

A verdict either carries the value to store or an error code (a key under `invalid.` in the
message files) with the parameters the message needs, so the resident is told exactly what was
wrong and shown an example.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers

from app.flows.catalog import FieldSpec, Service
from app.flows.dates import parse_date
from app.flows.identity import IdentityError, clean, parse_kk, parse_nik
from app.flows.textmatch import Option, is_no, is_yes, pick_option

_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[ .,'’\-]+[^\W\d_]+)*\.?$")
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[a-zA-Z]*\s*$")
MAX_NAME = 100
# Digits with the separators people type; a "+" only in front.
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-]*\d[\d\s().\-]*$")
INDONESIA = "62"
# Digits after the country code (or the leading 0): mobile numbers (08…) have 10 to 13 digits
# written with the 0, landlines 9 to 12 (area code included).
MOBILE_DIGITS = (9, 12)
LANDLINE_DIGITS = (8, 11)


@dataclass(frozen=True)
class Verdict:
    """The outcome of validating one answer."""

    value: Any = None
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the answer was accepted."""
        return self.error is None


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


def choice_options(spec: FieldSpec) -> list[Option]:
    """The choices of a choice field as options to match typed answers against."""
    return [
        Option(choice.id, (choice.title.id, choice.title.en), choice.keywords)
        for choice in spec.choices
    ]


def _nik(text: str, today: date) -> Verdict:
    try:
        return Verdict(value=parse_nik(text, today=today).number)
    except IdentityError as exc:
        return Verdict(error=f"nik_{exc.code}", params=dict(exc.params))


def _kk(text: str, today: date, niks: set[str]) -> Verdict:
    if clean(text) in niks:  # the most common mistake: checked first
        return Verdict(error="kk_same_as_nik")
    try:
        number = parse_kk(text, today=today)
    except IdentityError as exc:
        return Verdict(error=f"kk_{exc.code}", params=dict(exc.params))
    return Verdict(value=number)


def _nik_values(spec: FieldSpec, answers: dict[str, Any], service: Service) -> set[str]:
    keys = {spec.nik_field} if spec.nik_field else set()
    keys |= {item.key for item in service.fields if item.validator == "nik"}
    return {str(answers[key]) for key in keys if key in answers}


def _date(spec: FieldSpec, text: str, today: date) -> Verdict:
    found = parse_date(text, today=today, prefer_past=spec.dates != "future")
    if found is None or found.year < 1900:
        return Verdict(error="date_format")
    if spec.dates == "past" and found > today:
        return Verdict(error="date_future")
    if spec.dates == "future" and found < today:
        return Verdict(error="date_past")
    return Verdict(value=found.isoformat())


def _phone(text: str) -> Verdict:
    """A phone number as E.164, every typed digit kept.

    Only digits and the separators people type (spaces, dashes, dots, parentheses, a leading +)
    are accepted: phonenumbers alone would drop a trailing letter ("0812-3456-789o") or an
    extension and keep a different number without a word, so anything else is refused.
    """
    if not _PHONE_CHARS.match(text):
        return Verdict(error="phone_chars")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and not digits.startswith(INDONESIA):
        return _foreign_phone(digits)
    if digits.startswith(INDONESIA):
        national = digits[len(INDONESIA) :].removeprefix("0")  # "+62 (0)812…" is common
    else:
        national = digits.removeprefix("0")
    if not national or national.startswith("0"):  # "00…": an international call prefix
        return Verdict(error="phone")
    shortest, longest = MOBILE_DIGITS if national.startswith("8") else LANDLINE_DIGITS
    if len(national) < shortest:
        return Verdict(error="phone_short")
    if len(national) > longest:
        return Verdict(error="phone_long")
    if not phonenumbers.is_valid_number(phonenumbers.parse(f"+{INDONESIA}{national}")):
        return Verdict(error="phone")
    return Verdict(value=f"+{INDONESIA}{national}")


def _foreign_phone(digits: str) -> Verdict:
    try:
        number = phonenumbers.parse(f"+{digits}")
    except phonenumbers.NumberParseException:
        return Verdict(error="phone")
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number(number) or value != f"+{digits}":
        return Verdict(error="phone")
    return Verdict(value=value)


def _name(text: str) -> Verdict:
    name = " ".join(text.split())
    if any(char.isdigit() for char in name):
        return Verdict(error="name_digits")
    letters = sum(char.isalpha() for char in name)
    if letters < 2:
        return Verdict(error="name_short")
    if len(name) > MAX_NAME or not _NAME_CHARS.match(name):
        return Verdict(error="name_chars")
    return Verdict(value=name)


def _number(spec: FieldSpec, text: str) -> Verdict:
    match = _NUMBER.match(text)
    if match is None:
        return Verdict(error="number_format")
    amount = float(match[1].replace(",", "."))
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
    if {"ya", "tidak"} <= ids and (is_yes(text) or is_no(text)):
        return Verdict(value="ya" if is_yes(text) else "tidak")
    option = pick_option(text, choice_options(spec))
    if option is None:
        return Verdict(error="choice")
    return Verdict(value=option.id)


def _text(spec: FieldSpec, text: str) -> Verdict:
    value = " ".join(text.split())
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
