"""The form's last (terminal) screen: the answers to check, the declaration, and the Footer that
completes the Flow with every answer and file, keyed as `keys.payload_keys` says."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.flows.catalog.schema import FieldSpec, Service
from app.flows.forms import keys
from app.flows.forms.conditions import clauses, condition
from app.flows.forms.limits import COMPONENTS_PER_SCREEN
from app.flows.forms.model import FormContext

# Components the summary needs besides the answer lines: intro, OptIn, Footer, headroom.
_FIXED = 4


def summary_screen(service: Service, form: FormContext, screen_id: str) -> dict[str, Any]:
    """The terminal screen of `service`'s form."""
    children: list[dict[str, Any]] = [
        {"type": "TextBody", "text": form.texts("form.summary_intro")}
    ]
    lines = list(_answer_lines(service, form, screen_id))
    if count_components(lines) <= COMPONENTS_PER_SCREEN - _FIXED:
        children += lines
    children.append(
        {
            "type": "OptIn",
            "name": keys.CONSENT_KEY,
            "label": form.texts("form.consent"),
            "required": True,
        }
    )
    action = {"name": "complete", "payload": completion_payload(service, form, screen_id)}
    children.append(
        {"type": "Footer", "label": form.texts("form.submit"), "on-click-action": action}
    )
    return {
        "id": screen_id,
        "title": form.texts("form.summary_title"),
        "terminal": True,
        "layout": {"type": "SingleColumnLayout", "children": children},
    }


def completion_payload(service: Service, form: FormContext, screen_id: str) -> dict[str, str]:
    """Every payload key bound to the input or picker that fills it."""
    payload: dict[str, str] = {}
    for name, meaning in keys.payload_keys(service).items():
        if meaning.kind == "document":
            picker_screen = keys.screen_id(f"doc_{meaning.key}", meaning.page - 1)
            payload[name] = f"${{screen.{picker_screen}.form.{name}}}"
        elif meaning.kind == "consent":
            payload[name] = f"${{form.{name}}}"
        else:
            payload[name] = form.locate(name, screen_id)
    return payload


def _answer_lines(service: Service, form: FormContext, screen: str) -> Iterator[dict[str, Any]]:
    language = form.language
    if service.variants:
        label = form.texts("form.variant_label")
        cases = {v.code: [_line(label, v.title.get(language))] for v in service.variants}
        yield {"type": "Switch", "value": form.locate(keys.VARIANT_KEY, screen), "cases": cases}
    for _, spec in keys.form_fields(service):
        line = _field_line(spec, form, screen)
        if spec.when is None:
            yield line
        else:
            when = condition(clauses(spec.when, form.locate, screen))
            yield {"type": "If", "condition": when, "then": [line]}


def _field_line(spec: FieldSpec, form: FormContext, screen: str) -> dict[str, Any]:
    label = spec.label.get(form.language)
    binding = form.locate(spec.key, screen)
    if spec.validator == "choice":
        cases = {c.id: [_line(label, c.title.get(form.language))] for c in spec.choices}
        return {"type": "Switch", "value": binding, "cases": cases}
    # A string literal in a Flow expression is quoted with ' (reference §1.6): keep the label's
    # apostrophes ("Owner's name") as typographic ones so they do not end the literal.
    literal = f"{label}: ".replace("'", "\u2019")
    return {"type": "TextBody", "text": f"`'{literal}' {binding}`"}


def _line(label: str, value: str) -> dict[str, Any]:
    return {"type": "TextBody", "text": f"{label}: {value}"}


def count_components(components: list[dict[str, Any]]) -> int:
    """Components including those nested in If branches and Switch cases."""
    total = 0
    for component in components:
        total += 1
        for branch in ("then", "else"):
            total += count_components(component.get(branch, []))
        for case in component.get("cases", {}).values():
            total += count_components(case)
    return total
