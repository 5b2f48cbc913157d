"""The village pre-check: checklist, notes and forwarding to the handling office.

Both forms post from the request page. The domain (`app.requests.precheck`) checks who may do
what and writes nothing when it refuses; a refusal re-renders the request page with the reason,
success redirects back to it (PRG).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from app.dashboard.auth_routes import checked_form
from app.dashboard.deps import (
    PREFIX,
    DbDep,
    LanguageDep,
    PageNotFound,
    RuntimeDep,
    ViewerDep,
    client_ip,
)
from app.dashboard.precheck_views import PrecheckDraft
from app.dashboard.router import render_request
from app.db import utcnow
from app.operators.service import Viewer
from app.requests import precheck, queries
from app.requests.precheck import PrecheckError
from app.runtime import Runtime

router = APIRouter()

RESULT_FIELD = "result:"
NOTE_FIELD = "note:"
# Bad input is 422; a request that is not (or no longer) in this state is 409; the handling
# office trying to pre-check for the village is 403.
STATUS_OF_ERROR = {
    "forbidden": 403,
    "none": 409,
    "forwarded": 409,
    "closed": 409,
    "not_saved": 409,
    "incomplete": 422,
    "unknown_item": 422,
    "problem_note": 422,
    "bad_note": 422,
}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def checked_items(form: FormData) -> dict[str, tuple[str, str | None]]:
    """The posted verdicts by checklist key: `result:<key>` with its `note:<key>`."""
    items: dict[str, tuple[str, str | None]] = {}
    for name in form:
        if name.startswith(RESULT_FIELD):
            key = name.removeprefix(RESULT_FIELD)
            items[key] = (_text(form, name), _text(form, NOTE_FIELD + key))
    return items


async def _refused(
    request: Request,
    db: AsyncSession,
    runtime: Runtime,
    viewer: Viewer,
    ticket: str,
    lang: str,
    exc: PrecheckError,
    draft: PrecheckDraft | None = None,
) -> Response:
    """The request page again with the reason, and what the village typed if there was a form."""
    return await render_request(
        request,
        db,
        runtime,
        viewer,
        ticket,
        lang,
        error=f"precheck_err_{exc.code}",
        error_for="precheck-form" if draft is not None else "precheck-forward",
        status_code=STATUS_OF_ERROR[exc.code],
        precheck_draft=draft,
    )


@router.post("/requests/{ticket}/precheck")
async def save_precheck(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """Save the village's checklist: every item OK or a problem with a note, and a general note."""
    form = await checked_form(request)
    found = await queries.find_request(db, viewer.scope, ticket, for_update=True)
    if found is None:
        raise PageNotFound
    target = found[0]
    items, note = checked_items(form), _text(form, "note")
    try:
        await precheck.save_precheck(
            db,
            target,
            service=runtime.catalog.services.get(target.service_code),
            scope=viewer.scope,
            actor=viewer.actor,
            items=items,
            note=note,
            now=utcnow(),
        )
    except PrecheckError as exc:
        draft = PrecheckDraft(items, note)
        return await _refused(request, db, runtime, viewer, ticket, lang, exc, draft)
    return RedirectResponse(f"{PREFIX}/requests/{ticket}?done=prechecked", status_code=303)


@router.post("/requests/{ticket}/forward")
async def forward_precheck(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """Forward the saved pre-check to the handling office (once)."""
    await checked_form(request)
    found = await queries.find_request(db, viewer.scope, ticket, for_update=True)
    if found is None:
        raise PageNotFound
    try:
        await precheck.forward(
            db,
            found[0],
            scope=viewer.scope,
            actor=viewer.actor,
            now=utcnow(),
            ip=client_ip(request),
        )
    except PrecheckError as exc:
        return await _refused(request, db, runtime, viewer, ticket, lang, exc)
    return RedirectResponse(f"{PREFIX}/requests/{ticket}?done=forwarded", status_code=303)
