"""Rules on one component: character limits, patterns, options, picker counts and sizes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.flows.forms import limits as meta
from app.flows.forms.bindings import is_dynamic

Add = Callable[[str, str, str], None]  # (path, rule, message)


def check_component(component: dict[str, Any], where: str, add: Add) -> None:
    """Character limits, patterns, options and picker counts of one component."""
    kind = str(component.get("type"))
    for prop, most in meta.TEXT_LIMITS.get(kind, {}).items():
        value = component.get(prop)
        if isinstance(value, str) and not is_dynamic(value) and len(value) > most:
            too_long(add, f"{where}.{prop}", f"{kind} {prop}", value, most)
    if "pattern" in component:
        if not component.get("helper-text"):
            add(f"{where}.pattern", "pattern", "a pattern needs a helper-text")
        if component.get("input-type", "text") not in meta.PATTERN_INPUT_TYPES:
            add(f"{where}.pattern", "pattern", "pattern needs input-type text or number")
    if kind in ("RadioButtonsGroup", "Dropdown"):
        _options(component, kind, where, add)
    if kind in meta.PICKERS:
        _picker(component, kind, where, add)


def _options(component: dict[str, Any], kind: str, where: str, add: Add) -> None:
    options = component.get("data-source")
    if not isinstance(options, list):
        return  # bound to data: checked at run time by WhatsApp
    low, high = meta.RADIO_OPTIONS if kind == "RadioButtonsGroup" else meta.DROPDOWN_OPTIONS
    if not low <= len(options) <= high:
        add(f"{where}.data-source", "options", f"{kind} needs {low}–{high} options")
    for position, option in enumerate(options):
        for prop, most in (
            ("title", meta.OPTION_TITLE),
            ("description", meta.OPTION_DESCRIPTION),
            ("metadata", meta.OPTION_METADATA),
        ):
            value = option.get(prop) if isinstance(option, dict) else None
            if isinstance(value, str) and len(value) > most:
                too_long(add, f"{where}.data-source[{position}].{prop}", prop, value, most)


def _picker(component: dict[str, Any], kind: str, where: str, add: Add) -> None:
    low = component.get(meta.PICKER_MIN_KEY[kind], 0)
    high = component.get(meta.PICKER_MAX_KEY[kind], 30)
    size = component.get("max-file-size-kb", meta.MAX_FILE_SIZE_KB)
    counts_ok = isinstance(low, int) and isinstance(high, int) and 0 <= low <= high
    if not counts_ok or not 1 <= high <= meta.PICKER_COUNT_RANGE[1]:
        add(where, "picker-range", "picker counts must be 0 ≤ min ≤ max ≤ 30, max ≥ 1")
    if isinstance(size, int) and not 1 <= size <= meta.MAX_FILE_SIZE_KB:
        add(f"{where}.max-file-size-kb", "picker-range", "max-file-size-kb is 1–25600")


def too_long(add: Add, path: str, what: str, value: str, most: int) -> None:
    """Report a literal text over its limit."""
    add(path, "text-length", f"{what} '{value}' has {len(value)} characters; at most {most}")
