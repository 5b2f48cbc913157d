"""Working a request in the office: internal notes and who holds it.

Only the handling office writes these; a village that only pre-checks a request has its own
notes on the pre-check form.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.dashboard.auth_routes import checked_form
from app.dashboard.deps import PREFIX, DbDep, LanguageDep, RuntimeDep, ViewerDep, client_ip
from app.dashboard.router import handled_request, precheck_only, render_request
from app.db import utcnow
from app.operators import repository as operators_repo
from app.operators.models import Operator
from app.requests import work

router = APIRouter()


@router.post("/requests/{ticket}/notes")
async def add_note(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """An internal note in the history; residents never see it."""
    form = await checked_form(request)
    found = await handled_request(db, viewer, ticket, for_update=True)
    if found is None:
        return await precheck_only(request, db, runtime, viewer, ticket, lang)
    try:
        await work.add_note(
            db, found[0], actor=viewer.actor, text=str(form.get("note") or ""), now=utcnow()
        )
    except work.WorkRefused as exc:
        return await render_request(
            request,
            db,
            runtime,
            viewer,
            ticket,
            lang,
            error=exc.key,
            error_for="note-form",
            status_code=422,
        )
    return RedirectResponse(f"{PREFIX}/requests/{ticket}?done=noted", status_code=303)


@router.post("/requests/{ticket}/assignment")
async def assign(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """Give the request to an operator of its office ("me" takes it; empty returns it)."""
    form = await checked_form(request)
    wanted = str(form.get("assignee") or "").strip().lower()[:64]
    found = await handled_request(db, viewer, ticket, for_update=True)
    if found is None:
        return await precheck_only(request, db, runtime, viewer, ticket, lang)
    assignee: Operator | None = None
    if wanted == "me":
        assignee = viewer.operator
    elif wanted:
        assignee = await operators_repo.get_by_username(db, wanted)
        if assignee is None:
            return await render_request(
                request,
                db,
                runtime,
                viewer,
                ticket,
                lang,
                error="err_assignee",
                error_for="assign-form",
                status_code=422,
            )
    try:
        await work.assign(
            db,
            found[0],
            assignee=assignee,
            actor=viewer.actor,
            now=utcnow(),
            ip=client_ip(request),
        )
    except work.WorkRefused as exc:
        return await render_request(
            request,
            db,
            runtime,
            viewer,
            ticket,
            lang,
            error=exc.key,
            error_for="assign-form",
            status_code=422,
        )
    return RedirectResponse(f"{PREFIX}/requests/{ticket}?done=assigned", status_code=303)
