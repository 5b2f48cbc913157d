"""The dashboard's strings, one module per part of the dashboard, merged into one table.

Each module here defines `MESSAGES: dict[str, tuple[str, str]]` mapping a key to its
(Bahasa Indonesia, English) text. A key defined twice is a bug and fails at import.
"""

from __future__ import annotations

import importlib
import pkgutil


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, value in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"dashboard text {key!r} is defined twice ({info.name})")
            merged[key] = value
    return merged


MESSAGES: dict[str, tuple[str, str]] = _merge()
