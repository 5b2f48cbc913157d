"""An action form on the request page, read and applied through the request lifecycle.

Every way a move can fail becomes a message key in the operator's language and an HTTP status
for the re-rendered page (422: fix the form; 409: the request is not in a state for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from app.requests import lifecycle, proxy
from app.requests.home_delivery import Courier
from app.requests.models import Request
from app.requests.service import TransitionNotAllowed
from app.requests.status import RequestStatus
from app.runtime import Runtime

S = RequestStatus
# The statuses an operator may choose; `cancelled` belongs to the resident.
OPERATOR_TARGETS = frozenset(set(S) - {S.COLLECTING, S.CANCELLED, S.SUBMITTED})
# What an allowed move was missing, by target status.
MISSING_INPUT = {
    S.NEEDS_CORRECTION: "err_correction",
    S.REJECTED: "err_reject_note",
    S.READY_FOR_PICKUP: "err_pickup_place",
    S.OUT_FOR_DELIVERY: "err_courier_missing",
    S.COMPLETED: "err_code_missing",
}
LIMITS = {
    "note": 2000,
    "place": 500,
    "hours": 200,
    "code": 32,
    "courier_name": 200,
    "courier_tracking": 100,
    "collected_by": 16,
}
# Completing a delivered request: the code is the one the resident gave the courier.
DELIVERY_CODE_ERRORS = {
    "err_code_missing": "err_delivery_code_missing",
    "err_code_wrong": "err_delivery_code_wrong",
}

Failure = tuple[str, int]


def _text(form: FormData, name: str) -> str | None:
    value = str(form.get(name) or "").strip()
    return value or None


@dataclass(frozen=True)
class TransitionForm:
    """What an action form posted; `problem` is set when the form itself cannot be used."""

    to: RequestStatus | None
    note: str | None
    documents: tuple[int, ...]
    fields: tuple[str, ...]
    place: str | None
    hours: str | None
    code: str | None
    override: bool
    courier: Courier | None = None
    collected_by: str | None = None  # "resident" or "proxy" (app/requests/proxy.py)
    problem: str | None = None

    @classmethod
    def from_form(cls, form: FormData) -> TransitionForm:
        """Read the form; malformed values set `problem` rather than raise."""
        problem: str | None = None
        try:
            to: RequestStatus | None = RequestStatus(str(form.get("to") or ""))
        except ValueError:
            to, problem = None, "err_not_allowed"
        documents: list[int] = []
        for raw in form.getlist("documents"):
            if str(raw).isdigit() and len(str(raw)) <= 10:
                documents.append(int(str(raw)))
            else:
                problem = problem or "err_invalid"
        texts = {name: _text(form, name) for name in LIMITS}
        every = [*texts.values(), *(str(f) for f in form.getlist("fields"))]
        if any(v is not None and "\x00" in v for v in every):
            problem = problem or "err_invalid"
        if any(v is not None and len(v) > LIMITS[k] for k, v in texts.items()):
            problem = problem or "err_invalid"
        return cls(
            to=to,
            note=texts["note"],
            documents=tuple(documents),
            fields=tuple(str(f) for f in form.getlist("fields") if str(f).strip()),
            place=texts["place"],
            hours=texts["hours"],
            code=texts["code"],
            override=form.get("override") == "1",
            courier=Courier.of(texts["courier_name"], texts["courier_tracking"]),
            collected_by=texts["collected_by"],
            problem=problem,
        )


async def run_transition(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    actor: str,
    form: TransitionForm,
    now: datetime,
) -> Failure | None:
    """Apply the form's move; None on success, else the message key and the page's status."""
    failure = await _apply(session, runtime, request, actor, form, now)
    if failure is not None and request.status == S.OUT_FOR_DELIVERY:
        return (DELIVERY_CODE_ERRORS.get(failure[0], failure[0]), failure[1])
    return failure


async def _apply(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    actor: str,
    form: TransitionForm,
    now: datetime,
) -> Failure | None:
    if form.problem is not None or form.to is None:
        return (form.problem or "err_not_allowed", 409 if form.to is None else 422)
    if form.to not in OPERATOR_TARGETS:
        return ("err_not_allowed", 409)
    override = form.override and form.to is S.COMPLETED
    if override and not form.note:
        return ("err_override_note", 422)
    if form.to is S.COMPLETED and proxy.collected_by(request, form.collected_by) is None:
        return ("err_collector", 422)
    try:
        await lifecycle.apply_transition(
            session,
            catalog=runtime.catalog,
            settings=runtime.settings,
            request=request,
            to=form.to,
            actor=actor,
            note=form.note,
            documents=list(form.documents),
            fields=list(form.fields),
            pickup_place=form.place,
            pickup_hours=form.hours,
            code=form.code,
            courier=form.courier,
            now=now,
            override_code=override,
            collected_by=form.collected_by,
        )
    except TransitionNotAllowed:
        return ("err_not_allowed", 409)
    except lifecycle.PickupCodeMismatch:
        return ("err_code_wrong", 409)
    except lifecycle.InvalidTransitionInput:
        return (MISSING_INPUT.get(form.to, "err_invalid"), 422)
    return None
