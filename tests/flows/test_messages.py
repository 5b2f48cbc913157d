"""The message files: same keys and placeholders in both languages, all keys used are there."""

from __future__ import annotations

import re
import string
from pathlib import Path

from app.flows.messages import MESSAGES_DIR, load_messages

FLOWS_DIR = Path(MESSAGES_DIR).parent


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_the_same_keys_and_placeholders():
    tables = load_messages().tables
    assert tables["id"].keys() == tables["en"].keys()
    for key, text in tables["id"].items():
        assert placeholders(text) == placeholders(tables["en"][key]), key


def test_every_literal_key_in_the_code_exists():
    known = load_messages().tables["id"]
    used = set()
    for path in FLOWS_DIR.glob("*.py"):
        used |= set(re.findall(r'(?:\.t|say)\(\s*"([a-z_]+\.[a-z_.]+)"', path.read_text("utf-8")))
    assert used, "no message keys found in the code"
    assert sorted(key for key in used if key not in known) == []


def test_dates_are_written_for_people():
    from datetime import date

    messages = load_messages()
    assert messages.date("id", date(2026, 11, 26)) == "26 November 2026"
    assert messages.date("id", date(2026, 8, 17)) == "17 Agustus 2026"
    assert messages.date("en", date(2026, 8, 17)) == "17 August 2026"
