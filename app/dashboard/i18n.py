"""Every string the dashboard shows, in Indonesian (default) and English.

Templates and routes name a key; nothing a person reads is written inline in a template. The
strings live in `app/dashboard/texts/id.yaml` and `en.yaml`, one catalog per language.
"""

from __future__ import annotations

from typing import Any

from app.dashboard.texts import DEFAULT_LANGUAGE, LANGUAGES, MESSAGES


def language_of(value: Any) -> str:
    """A supported language code; anything else falls back to Indonesian."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def translate(key: str, language: str) -> str:
    """The message `key` in `language`; an unknown key is a bug, so it raises KeyError."""
    return MESSAGES.text(key, language)


def status_label(status: str, language: str) -> str:
    """A status's name for people; an unknown status shows as itself."""
    key = f"status_{status}"
    return translate(key, language) if key in MESSAGES else status
