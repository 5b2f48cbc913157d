"""The NIK checked inside the form by the data endpoint, when one is configured (reference §5).

An endpoint Flow (`build_flow(..., endpoint=True)`) sends the screen holding the service's
first NIK (its subject's, as `derived._other_region` reads it) to the endpoint with
`data_exchange` instead of navigating. The endpoint checks the NIK (and a KK number on the same
screen) as the chat does and answers either

- the same screen with `errors` (`{field key: short reason}`, bound to each input's
  `error-message`) and a snackbar `error_message` with the whole sentence, or
- `NIK_CHECK`: what the NIK encodes (the fields the catalog derives from it, as display text,
  read-only) and, when the NIK was first registered outside the office's region, a note that
  staff will check where it is served (never a refusal, as in chat). Its Footer goes on as the
  NIK screen's would have (routing.py).

Every other screen still navigates, so the Flow needs the endpoint only once. The Flow JSON then
carries `data_api_version` and a `routing_model` with every edge (`routing_model`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.flows.catalog.schema import FieldSpec, Service
from app.flows.forms import keys

CHECK_SCREEN = "NIK_CHECK"
DATA_API_VERSION = "3.0"
ERRORS_KEY = "errors"  # the NIK screen's data: {field key: reason} from the endpoint
REGION_NOTE_KEY = "region_note"
OTHER_REGION_KEY = "other_region"
# The answers checked inside the form: the identity numbers, where a typo costs a round trip.
CHECKED_VALIDATORS = frozenset({"nik", "kk"})


@dataclass(frozen=True)
class IdentityCheck:
    """What the endpoint checks: the NIK field, the fields derived from it, the checked keys."""

    nik: FieldSpec
    derived: tuple[FieldSpec, ...]


def identity_check(service: Service) -> IdentityCheck | None:
    """The NIK the endpoint checks for `service`; None when the form asks no NIK always."""
    nik = next((spec for _, spec in keys.form_fields(service) if spec.validator == "nik"), None)
    if nik is None or nik.when is not None:
        return None
    derived = tuple(
        spec for spec in service.fields if keys.is_derived(spec) and spec.nik_field == nik.key
    )
    return IdentityCheck(nik, derived)


def checked_inputs(screen_inputs: list[FieldSpec]) -> list[str]:
    """The keys on the NIK screen the endpoint checks (NIK and KK numbers asked always)."""
    return [
        spec.key
        for spec in screen_inputs
        if spec.validator in CHECKED_VALIDATORS and spec.when is None
    ]


def errors_model(checked: list[str]) -> dict[str, Any]:
    """The NIK screen's `errors` data field (an object; `{}` when nothing is wrong)."""
    properties = {key: {"type": "string"} for key in checked}
    example = {key: "-" for key in checked[:1]}
    return {"type": "object", "properties": properties, "__example__": example}


def exchange_footer(label: str, screen_inputs: list[FieldSpec]) -> dict[str, Any]:
    """The NIK screen's Footer: its unconditional answers to the endpoint."""
    payload = {spec.key: f"${{form.{spec.key}}}" for spec in screen_inputs if spec.when is None}
    action = {"name": "data_exchange", "payload": payload}
    return {"type": "Footer", "label": label, "on-click-action": action}


def check_children(check: IdentityCheck, language: str, texts: Any) -> list[dict[str, Any]]:
    """The confirmation screen: what the NIK says, read-only, and the region note."""
    children: list[dict[str, Any]] = []
    if check.derived:
        children.append({"type": "TextBody", "text": texts("form.nik_check_intro")})
        for spec in check.derived:
            children.append({"type": "TextCaption", "text": spec.label.get(language)})
            children.append(
                {"type": "TextBody", "text": f"${{data.{spec.key}}}", "font-weight": "bold"}
            )
    else:
        children.append({"type": "TextBody", "text": texts("form.nik_check_ok")})
    children.append(
        {
            "type": "TextBody",
            "text": f"${{data.{REGION_NOTE_KEY}}}",
            "visible": f"${{data.{OTHER_REGION_KEY}}}",
        }
    )
    if check.derived:
        children.append({"type": "TextCaption", "text": texts("form.nik_check_back")})
    return children


def check_data_model(check: IdentityCheck, language: str) -> dict[str, Any]:
    """The confirmation screen's data: one display string per derived field, the note."""
    model: dict[str, Any] = {}
    for spec in check.derived:
        example = (
            ("17 Agustus 1990" if language == "id" else "17 August 1990")
            if (spec.validator == "date")
            else next((c.title.get(language) for c in spec.choices), "-")
        )
        model[spec.key] = {"type": "string", "__example__": example}
    model[OTHER_REGION_KEY] = {"type": "boolean", "__example__": False}
    model[REGION_NOTE_KEY] = {"type": "string", "__example__": "-"}
    return model


def routing_model(screens: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every forward edge of the Flow: each navigate target, and the NIK check's answer."""
    order = [str(screen["id"]) for screen in screens]
    model: dict[str, list[str]] = {}
    for screen in screens:
        targets = set(_targets(screen.get("layout", {}).get("children", [])))
        model[str(screen["id"])] = [name for name in order if name in targets]
    return model


def _targets(children: list[Any]) -> Iterator[str]:
    for component in children:
        if not isinstance(component, dict):
            continue
        action = component.get("on-click-action")
        if isinstance(action, dict):
            if action.get("name") == "navigate":
                yield str(action["next"]["name"])
            elif action.get("name") == "data_exchange":
                yield CHECK_SCREEN
        for branch in ("then", "else"):
            yield from _targets(component.get(branch) or [])
