"""Every text a resident reads, in Indonesian (`id.yaml`) and English (`en.yaml`).

Keys are nested in the files and flattened here with dots ("invalid.nik_length"). Texts use
`str.format` placeholders; both files must have the same keys and placeholders (tested).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel.dates import format_date

MESSAGES_DIR = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")


class Messages:
    """Looks up and fills in message texts."""

    def __init__(self, tables: dict[str, dict[str, str]]) -> None:
        self.tables = tables

    def text(self, language: str, key: str, **params: Any) -> str:
        """The text for `key` in `language` (Indonesian unless "en"), filled with `params`."""
        table = self.tables["en" if language == "en" else "id"]
        try:
            template = table[key]
        except KeyError:
            raise KeyError(f"no message {key!r}") from None
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        """True when `key` exists (in Indonesian; the files have the same keys)."""
        return key in self.tables["id"]

    @staticmethod
    def date(language: str, value: date) -> str:
        """A date as people read it: "26 November 2026"."""
        return format_date(value, "d MMMM y", locale="en" if language == "en" else "id")


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested mappings as one mapping of dotted keys to texts."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = str(value).rstrip("\n")
    return flat


def load_messages(directory: Path | None = None) -> Messages:
    """The message files in `directory` (None = the shipped ones)."""
    folder = directory or MESSAGES_DIR
    tables = {
        language: flatten(yaml.safe_load((folder / f"{language}.yaml").read_text("utf-8")))
        for language in LANGUAGES
    }
    return Messages(tables)


@cache
def shipped_messages() -> Messages:
    """The shipped messages, read once per process."""
    return load_messages()
