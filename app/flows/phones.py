"""Phone numbers as residents type them, kept as E.164 with every typed digit."""

from __future__ import annotations

import re

import phonenumbers

from app.flows.verdict import Verdict

# Digits with the separators people type; a "+" only in front.
_PHONE_CHARS = re.compile(r"^\+?[\d\s().\-]*\d[\d\s().\-]*$")
INDONESIA = "62"
# Digits after the country code (or the leading 0): mobile numbers (08…) have 10 to 13 digits
# written with the 0, landlines 9 to 12 (area code included).
MOBILE_DIGITS = (9, 12)
LANDLINE_DIGITS = (8, 11)


def check_phone(text: str) -> Verdict:
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
