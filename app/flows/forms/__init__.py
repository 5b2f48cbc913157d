"""WhatsApp Flow forms generated from the catalog, and Meta's static rules for Flow JSON.

Pure like the rest of `app.flows`: no HTTP, no database. What other parts use:

- `build_flow(service, language, *, today, limits=None) -> dict`: the Flow JSON (7.3) of one
  service in "id" or "en"; raises `FormError` (with `FormProblem`s) when it cannot fit.
- `validate_flow(flow) -> list[FlowIssue]`: Meta's static rules (empty list = valid).
- `form_problems(service, *, today) -> list[FormProblem]`: both languages built and validated;
  what the catalog loader reports. Services with `flow: false` have none (chat only).
- `entry_screen(service)`: the first screen, for `flow_action_payload.screen`.
- `prefill_keys(service)` / `prefill_data(service, answers, variant=, held=)`: the entry
  screen's data model and the `flow_action_payload.data` that opens the form pre-filled.
- `opening_data(service, prefill, endpoint=)`: that data as sent, with the NIK screen's empty
  `errors` when an endpoint Flow opens on it.
- `payload_keys(service)` / `split_payload(service, payload)`: the completion payload's keys and
  the payload mapped back onto fields, variant and documents.
- `picker_key(document_key, page)`, `held_key(document_key)`: the names used for documents.

The module docstrings of `generator.py` (screens) and `keys.py` (payload and data keys) are the
reference for the form's shape.
"""

from __future__ import annotations

from app.flows.forms.check import form_problems
from app.flows.forms.generator import build_flow, entry_screen
from app.flows.forms.keys import (
    FormAnswers,
    PayloadKey,
    held_key,
    payload_keys,
    picker_key,
    prefill_data,
    prefill_keys,
    split_payload,
)
from app.flows.forms.limits import FLOW_JSON_VERSION
from app.flows.forms.model import FormError, FormLimits, FormProblem
from app.flows.forms.opening import opening_data
from app.flows.forms.validator import FlowIssue, validate_flow

LANGUAGES = ("id", "en")

__all__ = [
    "FLOW_JSON_VERSION",
    "LANGUAGES",
    "FlowIssue",
    "FormAnswers",
    "FormError",
    "FormLimits",
    "FormProblem",
    "PayloadKey",
    "build_flow",
    "entry_screen",
    "form_problems",
    "held_key",
    "opening_data",
    "payload_keys",
    "picker_key",
    "prefill_data",
    "prefill_keys",
    "split_payload",
    "validate_flow",
]
