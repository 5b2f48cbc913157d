"""One catalog question (`FieldSpec`) as one Flow input component.

| validator | component |
|---|---|
| nik, kk | TextInput, text with pattern `^[0-9]{16}$` (text, not number: reference pitfall 6) |
| number | TextInput, text with a decimal pattern |
| phone | TextInput, input-type phone (the chat's validator normalises what is typed) |
| date | DatePicker (YYYY-MM-DD) with bounds from the field's `dates` |
| choice | RadioButtonsGroup, or Dropdown from 8 options (Meta's advice) |
| name, text | TextInput up to 80 characters, TextArea beyond |

Every input gets its prefill binding as `init-value`. Client-side checks are a convenience: the
answers still go through the chat's validators when the form comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.flows.catalog.schema import FieldSpec
from app.flows.forms.labels import fit_label
from app.flows.forms.limits import TEXT_LIMITS

DIGITS_16 = "^[0-9]{16}$"
DECIMAL = "^[0-9]+([.,][0-9]+)?$"
DROPDOWN_FROM = 8  # options; fewer are radio buttons
TEXT_INPUT_CHARS = 80  # TextInput's default maximum; longer answers get a TextArea
PHONE_CHARS = 20
NUMBER_CHARS = 12
EARLIEST = "1900-01-01"
# Examples for the data model's `__example__` (never shown to residents).
EXAMPLES = {
    "nik": "7307011708900001",
    "kk": "7307012301150003",
    "name": "Siti Aminah",
    "phone": "081234567890",
    "date": "1990-08-17",
}

Texts = Callable[..., str]


@dataclass(frozen=True)
class InputContext:
    """What a field's component depends on besides the field."""

    language: str
    texts: Texts  # texts("form.key", **params) in the form's language
    today: date
    init: str  # the prefill binding, e.g. "${data.nik}"


class LabelTooLong(ValueError):
    """A label that does not fit its component even abbreviated."""

    def __init__(self, component: str, label: str, limit: int) -> None:
        super().__init__(
            f"label '{label}' has {len(label)} characters; a {component} label may have at most "
            f"{limit}, even abbreviated"
        )


def component_type(spec: FieldSpec) -> str:
    """The Flow component a field becomes."""
    if spec.validator == "date":
        return "DatePicker"
    if spec.validator == "choice":
        return "Dropdown" if len(spec.choices) >= DROPDOWN_FROM else "RadioButtonsGroup"
    if spec.validator == "text" and spec.max_length > TEXT_INPUT_CHARS:
        return "TextArea"
    return "TextInput"


def input_component(spec: FieldSpec, context: InputContext) -> dict[str, Any]:
    """The component for `spec`; raises `LabelTooLong` when its label cannot fit."""
    kind = component_type(spec)
    source = spec.form_label or spec.label
    label = fit_label(source.get(context.language), TEXT_LIMITS[kind]["label"], context.language)
    if label is None:
        raise LabelTooLong(kind, source.get(context.language), TEXT_LIMITS[kind]["label"])
    component: dict[str, Any] = {"type": kind, "name": spec.key, "label": label}
    component["required"] = spec.required
    component.update(_specifics(spec, kind, context))
    component["init-value"] = context.init
    return component


def _specifics(spec: FieldSpec, kind: str, context: InputContext) -> dict[str, Any]:
    texts = context.texts
    if spec.validator in ("nik", "kk"):
        helper = texts(f"form.{spec.validator}_helper")
        return _text_input("text", 16, pattern=DIGITS_16, helper=helper, min_chars=16)
    if spec.validator == "number":
        if spec.min_value is not None and spec.max_value is not None:
            low, high = _show(spec.min_value), _show(spec.max_value)
            helper = texts("form.number_range_helper", min=low, max=high)
        else:
            helper = texts("form.number_helper")
        return _text_input("text", NUMBER_CHARS, pattern=DECIMAL, helper=helper)
    if spec.validator == "phone":
        return _text_input("phone", PHONE_CHARS, helper=texts("form.phone_helper"))
    if kind == "DatePicker":
        earliest, latest = date_bounds(spec, context.today)
        return {"min-date": earliest, "max-date": latest}
    if kind in ("RadioButtonsGroup", "Dropdown"):
        return {
            "data-source": [
                {"id": choice.id, "title": choice.title.get(context.language)}
                for choice in spec.choices
            ]
        }
    example = _example_helper(spec, context)
    if kind == "TextArea":
        extra: dict[str, Any] = {"max-length": spec.max_length}
        if example is not None:
            extra["helper-text"] = example
        return extra
    return _text_input("text", min(spec.max_length, TEXT_INPUT_CHARS), helper=example)


def _text_input(
    input_type: str,
    max_chars: int,
    *,
    pattern: str | None = None,
    helper: str | None = None,
    min_chars: int | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {"input-type": input_type}
    if pattern is not None:
        props["pattern"] = pattern
    if helper is not None:
        props["helper-text"] = helper
    if min_chars is not None:
        props["min-chars"] = min_chars
    props["max-chars"] = max_chars
    return props


def _example_helper(spec: FieldSpec, context: InputContext) -> str | None:
    if spec.example is None:
        return None
    helper = context.texts("form.example_helper", example=spec.example.get(context.language))
    return helper if len(helper) <= TEXT_LIMITS["TextInput"]["helper-text"] else None


def date_bounds(spec: FieldSpec, today: date) -> tuple[str, str]:
    """`min-date` and `max-date` for a date field.

    A published Flow lives for months, so the bounds are generous around the day it was made
    (a past date may be picked up to the end of next year): they stop a slip of the finger
    (a birth in 2099), and the chat's validator refuses the rest when the form comes back.
    """
    if spec.dates == "future":
        return today.isoformat(), f"{today.year + 10}-12-31"
    if spec.dates == "any":
        return EARLIEST, f"{today.year + 30}-12-31"
    return EARLIEST, f"{today.year + 1}-12-31"


def example_value(spec: FieldSpec, language: str) -> str:
    """A plausible answer for the data model's `__example__` (Meta's preview shows it)."""
    if spec.validator in EXAMPLES:
        return EXAMPLES[spec.validator]
    if spec.validator == "choice" and spec.choices:
        return spec.choices[0].id
    if spec.validator == "number":
        return _show(spec.min_value if spec.min_value is not None else 1.0)
    return spec.example.get(language) if spec.example else spec.label.get(language)


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
