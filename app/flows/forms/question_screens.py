"""The form's screens of questions: how the catalog's questions are split over `DATA`,
`DATA_B`, … (at most `FormLimits.fields_per_screen` each, even sizes), and which of them holds
the NIK the data endpoint checks (identity_check.py). Kept apart so the endpoint can name the
NIK screen without building the whole Flow."""

from __future__ import annotations

from app.flows.catalog.schema import FieldSpec, Service
from app.flows.forms import keys
from app.flows.forms.identity_check import identity_check
from app.flows.forms.model import FormLimits

DATA_SCREEN = "DATA"


def nik_screen(service: Service, limits: FormLimits | None = None) -> str | None:
    """The screen whose Footer sends the NIK to the endpoint (in an endpoint Flow), or None."""
    check = identity_check(service)
    if check is None:
        return None
    position = [spec.key for _, spec in keys.form_fields(service)].index(check.nik.key)
    return keys.screen_id(DATA_SCREEN.lower(), _chunk_of(service, limits or FormLimits(), position))


def chunks(service: Service, limits: FormLimits) -> list[list[tuple[int, FieldSpec]]]:
    """The form's questions, screen by screen (at most `fields_per_screen` each, even sizes)."""
    fields = keys.form_fields(service)
    if not fields:
        return []
    count = -(-len(fields) // limits.fields_per_screen)
    size, extra = divmod(len(fields), count)
    grouped: list[list[tuple[int, FieldSpec]]] = []
    start = 0
    for step in range(count):
        chunk = fields[start : start + size + (1 if step < extra else 0)]
        start += len(chunk)
        grouped.append(chunk)
    return grouped


def screen_id_of(step: int) -> str:
    """The id of the `step`-th screen of questions (0: DATA, 1: DATA_B, …)."""
    return keys.screen_id(DATA_SCREEN.lower(), step)


def _chunk_of(service: Service, limits: FormLimits, position: int) -> int:
    seen = 0
    for step, chunk in enumerate(chunks(service, limits)):
        seen += len(chunk)
        if position < seen:
            return step
    raise ValueError("no such question")
