"""Working a request in the office: internal notes, who holds it, and how it reaches the resident.

Only the handling office writes these; a village that only pre-checks a request has its own
notes on the pre-check form.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.dashboard.deps import DbDep, FormRefused, RuntimeDep, client_ip
from app.dashboard.router import HandledDep
from app.db import utcnow
from app.operators import repository as operators_repo
from app.operators.models import Operator
from app.requests import delivery_way, work

router = APIRouter()


@router.post("/requests/{ticket}/notes")
async def add_note(posted: HandledDep, db: DbDep) -> Response:
    """An internal note in the history; residents never see it."""
    note = str(posted.form.get("note") or "")
    try:
        await work.add_note(db, posted.row, actor=posted.viewer.actor, text=note, now=utcnow())
    except work.WorkRefused as exc:
        raise FormRefused(exc.key, form="note-form") from None
    return posted.done("noted")


@router.post("/requests/{ticket}/assignment")
async def assign(request: Request, posted: HandledDep, db: DbDep) -> Response:
    """Give the request to an operator of its office ("me" takes it; empty returns it)."""
    wanted = str(posted.form.get("assignee") or "").strip().lower()[:64]
    assignee: Operator | None = None
    if wanted == "me":
        assignee = posted.viewer.operator
    elif wanted:
        assignee = await operators_repo.get_by_username(db, wanted)
        if assignee is None:
            raise FormRefused("err_assignee", form="assign-form")
    try:
        await work.assign(
            db,
            posted.row,
            assignee=assignee,
            actor=posted.viewer.actor,
            now=utcnow(),
            ip=client_ip(request),
        )
    except work.WorkRefused as exc:
        raise FormRefused(exc.key, form="assign-form") from None
    return posted.done("assigned")


@router.post("/requests/{ticket}/delivery")
async def change_delivery(posted: HandledDep, db: DbDep, runtime: RuntimeDep) -> Response:
    """How the result reaches the resident, changed for them before processing (they asked at
    the counter or by phone); the resident is told on WhatsApp."""
    try:
        await delivery_way.operator_change(
            db,
            catalog=runtime.catalog,
            settings=runtime.settings,
            request=posted.row,
            way=str(posted.form.get("delivery") or ""),
            address=str(posted.form.get("address") or ""),
            actor=posted.viewer.actor,
            now=utcnow(),
        )
    except delivery_way.DeliveryRefused as exc:
        raise FormRefused(exc.key, form="delivery-form") from None
    return posted.done("delivery")
