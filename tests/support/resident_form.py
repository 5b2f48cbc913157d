"""A cooperative resident completes a catalog service by its WhatsApp Flow form, counting actions.

The resident names the service in their own words (one message), taps "Isi formulir" to open
the form the engine offers beside the first chat question, fills it in right the first time
(keeping what the form shows pre-filled, picking one file per page of each document the locker
does not already hold, ticking the declaration) and taps submit; whatever the engine still asks
afterwards (the summary to confirm, a document the form left out) is answered in chat as in
tests/support/resident_walk.py. Counted as resident actions: messages, taps (opening the form
and submitting it are one tap each) and files sent in chat. What is filled in inside the form
(answers typed or picked, files picked) is counted apart, as `entries`, and not as actions:
it is one screen the resident fills before the one submit tap, as in
tests/flows/test_form_completion.py.

Used by bench/flow_actions_bench.py (the figures in bench/README.md) and the test that pins them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.flows.catalog import Catalog, FieldSpec, Service
from app.flows.context import ResidentContext
from app.flows.engine import Engine
from app.flows.events import OfferForm
from app.flows.forms import picker_key
from app.flows.forms.keys import form_fields, picker_pages
from app.flows.inputs import FormSubmitted
from tests.support.engine_data import GOLDEN_DIR
from tests.support.golden import build_context, load
from tests.support.resident_walk import Resident, Scenario, Walk, WalkError, finish, typed_answer


@dataclass
class FormWalk(Walk):
    """A walk by form: the actions as in chat, plus what was filled in inside the form."""

    entries: int = 0  # answers filled in and files picked inside the form (not actions)
    prefilled: list[str] = field(default_factory=list)  # field keys the form opened with


def walk_by_form(
    engine: Engine,
    catalog: Catalog,
    scenario: Scenario,
    *,
    today: date,
    context: ResidentContext | None = None,
) -> FormWalk:
    """Walk `scenario` by the service's form, from the opening message to a submitted request.

    `context` defaults to a resident with no memory to whom the service's form may be sent."""
    service = catalog.services[scenario.service]
    result = FormWalk(service=service.code)
    context = context or ResidentContext(language="id", forms=frozenset({service.code}))
    resident = Resident(engine, result, context)
    resident.type(scenario.opening)
    if not resident.offers:
        raise WalkError(f"{service.code}: no form was offered")
    offer = resident.offers[-1]
    resident.result.taps += 2
    resident.result.transcript += ["open form", "submit form"]
    payload = _filled(service, scenario, offer, result, today)
    resident.send(FormSubmitted(payload=payload, flow_token=offer.token))
    # Entries: the answers the engine kept that the form did not show filled, and the files
    # it took (an answer to a question the form hides is not kept, and not counted).
    kept = ((resident.snapshot or {}).get("draft") or {}).get("fields") or {}
    typed = [key for key in kept if key in payload and key not in result.prefilled]
    result.entries += len(typed) + sum(resident.pages.values())
    finish(resident, service, scenario, today=today)
    return result


def _filled(
    service: Service, scenario: Scenario, offer: OfferForm, result: FormWalk, today: date
) -> dict[str, Any]:
    """The completion payload of a resident who fills the form in right the first time."""
    shown = offer.data
    payload: dict[str, Any] = {}
    if service.variants:
        payload["variant"] = shown.get("variant") or scenario.variant or service.variants[0].code
        result.entries += not shown.get("variant")
    for _, spec in form_fields(service):  # what the NIK gives is not in the form
        kept = shown.get(spec.key)
        if kept not in (None, ""):
            payload[spec.key] = kept
            result.prefilled.append(spec.key)
        elif spec.required:  # a cooperative resident leaves optional answers empty
            payload[spec.key] = _answer(spec, scenario, today)
    for document in service.documents:
        if shown.get(f"held_{document.key}") is True:
            continue  # the locker's copy is used: the form shows no picker for it
        for page in range(1, picker_pages(document) + 1):
            content = f"{document.key}-{page}"
            payload[picker_key(document.key, page)] = [
                {
                    "file_name": f"{content}.jpg",
                    "mime_type": "image/jpeg",
                    "sha256": hashlib.sha256(content.encode()).hexdigest(),
                    "id": f"form-{content}",
                }
            ]
    payload["consent"] = True
    return payload


def _answer(spec: FieldSpec, scenario: Scenario, today: date) -> str:
    """An answer as the form sends it: a choice id, a date as YYYY-MM-DD, typed text."""
    given = scenario.answers.get(spec.key)
    if spec.validator == "choice":
        return given or spec.choices[0].id
    text = given or typed_answer(spec, today)
    if spec.validator == "date":
        return datetime.strptime(text, "%d-%m-%Y").date().isoformat()
    return text


# The fisher of tests/flows/golden/memory_sipi_one_message.yaml (two boats remembered, papers in
# the locker), to whom the SIPI renewal form may be sent: a renewal by form with memory.
REMEMBERED_BOAT = Scenario(
    "sipi_perpanjangan", "perpanjang sipi KM Bintang Laut", answers={"ada_perubahan": "tidak"}
)


def remembered_boat_context() -> ResidentContext:
    """The remembered fisher's context, with the SIPI renewal form available."""
    data = load(GOLDEN_DIR / "memory_sipi_one_message.yaml")["context"]
    return build_context({**data, "forms": ["sipi_perpanjangan"]})
