"""The data that opens a form (`flow_action_payload.data`).

The prefill (`keys.prefill_data`), and, on an endpoint Flow whose first screen is the one that
sends the NIK to the endpoint (a service without variants: a death report, a SIPI renewal), that
screen's `errors` too: its inputs' error messages are bound to `${data.errors.<key>}`, so the
screen's data must hold the object, empty until the endpoint finds something wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.flows.catalog.schema import Service
from app.flows.forms.generator import entry_screen
from app.flows.forms.identity_check import ERRORS_KEY
from app.flows.forms.question_screens import nik_screen


def opening_data(service: Service, prefill: Mapping[str, Any], *, endpoint: bool) -> dict[str, Any]:
    """`prefill`, with the NIK screen's empty `errors` when that screen opens an endpoint Flow."""
    data = dict(prefill)
    if endpoint and nik_screen(service) == entry_screen(service):
        data[ERRORS_KEY] = {}
    return data
