"""Every text the dashboard shows, one catalog per language: `id.yaml` (Bahasa Indonesia, the
default) and `en.yaml`.

Keys are flat ("login_failed", "counter_err_<code>") and are what templates and routes name.
The catalogs are read and checked once, at import: a key written twice, a text that is not a
string, or a key or `{placeholder}` one language has and the other lacks stops the dashboard
from starting instead of showing a person a gap.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import yaml

TEXTS_DIR = Path(__file__).resolve().parent
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"


class TextsInvalid(ValueError):
    """A text catalog that cannot be shown: named in the message, with the key at fault."""


class _Loader(yaml.SafeLoader):
    """YAML's safe loader, refusing a mapping that names a key twice (YAML keeps the last)."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise TextsInvalid(f"text {key!r} is written twice")
        seen.add(key)
    return loader.construct_mapping(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def placeholders(text: str) -> set[str]:
    """The `{names}` `str.format` fills in `text`."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


class DashboardTexts:
    """The catalogs: `key in texts`, and `texts.text(key, language)`."""

    def __init__(self, tables: dict[str, dict[str, str]]) -> None:
        self.tables = tables

    def __contains__(self, key: object) -> bool:
        return key in self.tables[DEFAULT_LANGUAGE]

    def __len__(self) -> int:
        return len(self.tables[DEFAULT_LANGUAGE])

    def text(self, key: str, language: str) -> str:
        """The text `key` in `language` (Indonesian unless "en"); an unknown key raises KeyError."""
        table = self.tables["en" if language == "en" else DEFAULT_LANGUAGE]
        try:
            return table[key]
        except KeyError:
            raise KeyError(f"no dashboard text {key!r}") from None


def _read(path: Path) -> dict[str, str]:
    data = yaml.load(path.read_text("utf-8"), Loader=_Loader)  # a SafeLoader: no objects
    if not isinstance(data, dict):
        raise TextsInvalid(f"{path.name}: not a mapping of keys to texts")
    for key, text in data.items():
        if not isinstance(key, str) or not isinstance(text, str):
            raise TextsInvalid(f"{path.name}: {key!r} is not a key with a text")
    return data


def check(tables: dict[str, dict[str, str]]) -> None:
    """Raise TextsInvalid unless every language has the same keys with the same placeholders."""
    base = tables[DEFAULT_LANGUAGE]
    for language, table in tables.items():
        missing = sorted(base.keys() ^ table.keys())
        if missing:
            raise TextsInvalid(f"{language}.yaml and id.yaml differ in keys: {missing}")
        for key, text in table.items():
            try:
                same = placeholders(text) == placeholders(base[key])
            except ValueError as exc:  # a lone brace: str.format would fail on it
                raise TextsInvalid(f"{language}.yaml: {key!r}: {exc}") from None
            if not same:
                raise TextsInvalid(f"{language}.yaml: {key!r} has other placeholders than id")


def load_texts(directory: Path | None = None) -> DashboardTexts:
    """The catalogs in `directory` (None: the shipped ones), checked."""
    folder = directory or TEXTS_DIR
    tables = {language: _read(folder / f"{language}.yaml") for language in LANGUAGES}
    check(tables)
    return DashboardTexts(tables)


MESSAGES: DashboardTexts = load_texts()
