"""Numbers as residents type them: "12", "7,5", "dua belas", "dua puluh lima", "seratus".

`find_numbers` returns every number in a message, in digits or in words (Indonesian, with the
chat forms "duabelas", "dua blas", and English), so a validator can take the one number of a
sentence ("kapal sy 12 gt pak") and ask back when there are several.
"""

from __future__ import annotations

import re

UNITS = {
    "nol": 0, "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6,
    "tujuh": 7, "delapan": 8, "lapan": 8, "sembilan": 9,
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
# Words that are a number on their own ("sebelas", "seratus", "twenty").
WHOLE = {
    "sepuluh": 10, "sebelas": 11, "seratus": 100, "seribu": 1000,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
# Words that multiply what stands before them ("dua puluh"), or add ten ("dua belas").
SCALES = {"belas": 10, "puluh": 10, "ratus": 100, "ribu": 1000, "hundred": 100, "thousand": 1000}
SPELLINGS = {"blas": "belas", "pulu": "puluh", "plh": "puluh", "rts": "ratus", "rb": "ribu"}
_JOINED = re.compile(
    r"\b(satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan)(belas|blas|puluh|ratus|ribu)\b"
)
# A digit right after letters is not a number: "kira2" is "kira-kira", "C2" a block name.
_TOKEN = re.compile(r"[a-z]+\d+|[a-z]+|\d+(?:[.,]\d+)?")


def find_numbers(text: str) -> list[float]:
    """Every number in `text`, in the order written; words and digits alike."""
    value = _JOINED.sub(r"\1 \2", text.lower())
    found: list[float] = []
    words: list[str] = []
    for token in _TOKEN.findall(value):
        token = SPELLINGS.get(token, token)
        if token[0].isalpha() and token[-1].isdigit():
            found += _flush(words)
        elif token[0].isdigit():
            found += _flush(words)
            found.append(float(token.replace(",", ".")))
        elif token in UNITS or token in WHOLE or token in SCALES:
            words.append(token)
        else:
            found += _flush(words)
    return found + _flush(words)


# More digits than any list position or page number a resident could mean.
_MOST_DIGITS = 6


def typed_position(text: str) -> int | None:
    """The number of a typed list position or page ("2"), None when `text` is not one.

    Only a few ASCII digits count: `int()` refuses digits such as "²" that `isdigit()` accepts,
    and a number of thousands of digits (over Python's conversion limit).
    """
    if not (text.isascii() and text.isdigit()) or len(text) > _MOST_DIGITS:
        return None
    return int(text)


def word_number(text: str) -> int | None:
    """The number a few words spell ("dua puluh lima" is 25), None when they spell none."""
    numbers = find_numbers(text)
    if len(numbers) != 1 or not numbers[0].is_integer():
        return None
    return int(numbers[0])


def _flush(words: list[str]) -> list[float]:
    """The numbers spelled by a run of number words (emptied afterwards).

    "dua puluh lima" is 25; a unit right after another ("dua tiga") starts a new number.
    """
    numbers: list[float] = []
    total = small = pending = 0
    for word in words:
        if word in UNITS:
            if pending:
                numbers.append(total + small + pending)
                total = small = 0
            pending = UNITS[word]
        elif word in WHOLE:
            value = WHOLE[word]
            if value >= 1000:
                total += value
            else:
                small += value
        elif word == "belas":
            small += pending + 10
            pending = 0
        elif word in {"ribu", "thousand"}:
            total += ((small + pending) or 1) * 1000
            small = pending = 0
        else:  # puluh, ratus, hundred
            small += (pending or 1) * SCALES[word]
            pending = 0
    if words:
        numbers.append(total + small + pending)
    words.clear()
    return [float(number) for number in numbers]
