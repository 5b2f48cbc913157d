"""Change-of-mind phrases and replies to the switch question (app/flows/switch_phrases.py)."""

from __future__ import annotations

import pytest

from app.flows.switch_phrases import (
    changes_mind,
    english_change,
    switch_reply,
    without_change_of_mind,
)


@pytest.mark.parametrize(
    "text",
    [
        "sorry, I meant KK",
        "actually I want a KIA instead",
        "wrong one, birth certificate please",
        "change to family card",
        "I'd like a KK",
        "switch to KIA",
        "eh maksud saya KIA",
    ],
)
def test_changes_of_mind(text: str) -> None:
    assert changes_mind(text) is True


@pytest.mark.parametrize(
    "text",
    ["sorry, my KK is at my mother's house", "wrong KK number", "actually the KK is lost", "KK"],
)
def test_not_changes_of_mind(text: str) -> None:
    assert changes_mind(text) is False


def test_the_phrase_does_not_name_a_variant() -> None:
    assert without_change_of_mind("Change to family card!") == "family card"
    assert (
        without_change_of_mind("eh salah, mau KK aja. kk sy hilang") == "mau kk aja kk saya hilang"
    )
    assert without_change_of_mind("mau ganti KK, datanya salah") == "mau ganti kk datanya salah"


@pytest.mark.parametrize(
    ("text", "named", "expected"),
    [
        ("yes please", None, True),
        ("sure", None, True),
        ("yes, the KK", "kk", True),
        ("no", None, False),
        ("no, keep the KTP", "ktp", False),
        ("never mind", None, False),
        ("tetap ktp aja", "ktp", False),
        ("what does it cost", None, None),
        ("mau KIA aja", "kia", None),
    ],
)
def test_switch_replies(text: str, named: str | None, expected: bool | None) -> None:
    assert switch_reply(text, named=named, target="kk", current="ktp") is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sorry, I meant KK", True),
        ("wrong one, birth certificate please", True),
        ("eh sorry, maksud saya KIA", False),
        ("ganti ke kk", False),
    ],
)
def test_english_changes_of_mind(text: str, expected: bool) -> None:
    assert english_change(text) is expected
