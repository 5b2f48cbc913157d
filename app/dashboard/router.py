"""The dashboard's pages: the queue, one request, its actions, the reply box and documents.

Routes stay thin: they parse the form, call the domain (`app.api.service` for lists and scope,
`app.requests.lifecycle` for moves and replies, the locker for files) and render. A form error
re-renders the page with the reason in the operator's language; success redirects (PRG).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.api import service as api_service
from app.api.deps import Viewer
from app.api.documents import open_visible
from app.dashboard import repository, views
from app.dashboard.auth_routes import checked_form
from app.dashboard.deps import (
    PREFIX,
    DbDep,
    LanguageDep,
    PageNotFound,
    RuntimeDep,
    ViewerDep,
    render,
)
from app.dashboard.precheck_views import PrecheckDraft, precheck_panel
from app.dashboard.presenter import applicant_of, presenter_for
from app.dashboard.transitions import TransitionForm, run_transition
from app.db import utcnow
from app.locker import AccessAction, LockerError
from app.requests import lifecycle
from app.requests.models import Request as RequestRow
from app.requests.status import RequestStatus
from app.residents.models import Resident
from app.runtime import Runtime

router = APIRouter()

PAGE_SIZE = 25
AUDIT_REASON = "dashboard"
DONE_NOTICES = {
    "moved": "done_moved",
    "sent": "done_sent",
    "held": "done_held",
    "noted": "done_noted",
    "assigned": "done_assigned",
    "prechecked": "precheck_done_saved",
    "forwarded": "precheck_done_forwarded",
    "counter": "counter_done",
}
_INLINE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})


def _param(request: Request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()[:200]


def _flag(request: Request, name: str) -> bool:
    return _param(request, name) == "1"


@router.get("/")
async def queue(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """The operator's requests, newest first, with filters, search and cursor pagination."""
    filters = {name: _param(request, name) for name in ("status", "service", "office", "q")}
    flags = {name: _flag(request, name) for name in ("mine", "overdue", "precheck")}
    cursor = _param(request, "cursor") or None
    today = datetime.now(runtime.settings.tz).date()
    query = api_service.ListQuery(
        status=filters["status"] or None,
        service=filters["service"] or None,
        office=filters["office"] or None,
        q=filters["q"] or None,
        limit=PAGE_SIZE,
        cursor=cursor,
        assigned="me" if flags["mine"] else None,
        overdue=flags["overdue"],
        precheck=flags["precheck"],
    )
    error, code = None, 200
    try:
        page = await api_service.list_page(
            db, runtime.catalog, viewer.scope, query, viewer_id=viewer.operator.id, today=today
        )
        items, next_cursor = page.items, page.next_cursor
    except api_service.InvalidQuery:
        items, next_cursor, error, code = [], None, "bad_filter", 422
    nik_keys = runtime.catalog.nik_field_keys()
    p = await presenter_for(
        db, runtime.catalog, lang, runtime.settings.tz, [item.assigned_to for item in items]
    )
    rows = [
        {
            "item": item,
            # Lists show the masked NIK and nothing it encodes (app.requests.masking).
            "nik": next((item.fields[k] for k in nik_keys if k in item.fields), ""),
            "applicant": applicant_of(item.fields, item.resident.name),
            "overdue": views.is_overdue(item, today),
        }
        for item in items
    ]
    kept = {k: v for k, v in filters.items() if v} | {k: "1" for k, on in flags.items() if on}
    first_url = f"{PREFIX}/?" + urlencode(kept) if cursor is not None else None
    next_url = f"{PREFIX}/?" + urlencode(kept | {"cursor": next_cursor}) if next_cursor else None
    context = {
        "operator": viewer.operator,
        "p": p,
        "rows": rows,
        "filters": filters,
        "flags": flags,
        "statuses": [s.value for s in RequestStatus],
        "services": runtime.catalog.ordered,
        "offices": await views.offices_in(db, viewer.scope),
        "next_url": next_url,
        "first_url": first_url,
        "export_query": urlencode({k: v for k, v in filters.items() if v}),
        "live_url": f"{PREFIX}/live",
        "live_version": await repository.queue_version(db, viewer.scope),
        "error": error,
    }
    return render(request, "queue.html", lang, context, status_code=code)


async def render_request(
    request: Request,
    db: AsyncSession,
    runtime: Runtime,
    viewer: Viewer,
    ticket: str,
    lang: str,
    *,
    error: str | None = None,
    error_for: str | None = None,
    status_code: int = 200,
    precheck_draft: PrecheckDraft | None = None,
) -> Response:
    """The request page, with a form error when one is given (other routes call this too).

    `error_for` names the form (its id) the error is shown in; without it, at the top.
    """
    found = await api_service.find_request(db, viewer.scope, ticket)
    if found is None:
        raise PageNotFound
    context: dict[str, Any] = await views.request_page(
        db, runtime, *found, utcnow(), viewer.scope, lang
    )
    notice = DONE_NOTICES.get(_param(request, "done"))
    context |= {
        "operator": viewer.operator,
        "error": error,
        "error_for": error_for,
        "notice": notice,
    }
    context |= await precheck_panel(db, runtime, found[0], viewer, precheck_draft)
    if error_for is not None and error_for not in _forms_on(context):
        context["error_for"] = None  # that form is gone (the request moved on): say it on top
    context |= {
        "live_url": f"{PREFIX}/live?" + urlencode({"ticket": found[0].ticket}),
        # After a form error the address bar shows the POST's URL; refresh from the page's own.
        "live_page": f"{PREFIX}/requests/{found[0].ticket}",
        "live_version": await repository.request_version(db, found[0]),
    }
    return render(request, "request.html", lang, context, status_code=status_code)


def _forms_on(context: dict[str, Any]) -> set[str]:
    """The ids of the forms the request page shows, which a form error can stand in."""
    forms = {f"action-{move}" for move in context["moves"]}
    if context["handles"]:
        forms |= {"reply-form", "note-form", "assign-form"}
    if context.get("precheck", {}).get("editable"):
        forms |= {"precheck-form", "precheck-forward"}
    return forms


async def handled_request(
    db: AsyncSession, viewer: Viewer, ticket: str, *, for_update: bool = False
) -> tuple[RequestRow, Resident] | None:
    """The request, for its handling office; None for a village that only pre-checks it.

    A request outside the viewer's scope is PageNotFound, as everywhere.
    """
    found = await api_service.find_request(db, viewer.scope, ticket, for_update=for_update)
    if found is None:
        raise PageNotFound
    return found if api_service.handles(viewer.scope, found[0]) else None


async def precheck_only(
    request: Request, db: AsyncSession, runtime: Runtime, viewer: Viewer, ticket: str, lang: str
) -> Response:
    """The page again with the reason a pre-checking village cannot do this (403)."""
    return await render_request(
        request, db, runtime, viewer, ticket, lang, error="err_precheck_only", status_code=403
    )


@router.get("/requests/{ticket}")
async def request_detail(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """One request: answers (full NIK), documents, history, chat, actions and the reply box."""
    return await render_request(request, db, runtime, viewer, ticket, lang)


@router.post("/requests/{ticket}/transitions")
async def move_request(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """Apply one action form; a form error re-renders the page, success redirects back."""
    form = TransitionForm.from_form(await checked_form(request))
    found = await handled_request(db, viewer, ticket, for_update=True)
    if found is None:
        return await precheck_only(request, db, runtime, viewer, ticket, lang)
    failure = await run_transition(db, runtime, found[0], viewer.actor, form, utcnow())
    if failure is not None:
        # Undo anything the failed move wrote; the rollback expires every loaded row.
        await db.rollback()
        await db.refresh(viewer.operator)
        error, code = failure
        form_id = f"action-{form.to.value}" if form.to is not None else None
        return await render_request(
            request,
            db,
            runtime,
            viewer,
            ticket,
            lang,
            error=error,
            error_for=form_id,
            status_code=code,
        )
    return RedirectResponse(f"{PREFIX}/requests/{ticket}?done=moved", status_code=303)


@router.post("/requests/{ticket}/messages")
async def reply(
    request: Request,
    ticket: str,
    viewer: ViewerDep,
    db: DbDep,
    runtime: RuntimeDep,
    lang: LanguageDep,
) -> Response:
    """A free-text reply: sent inside the 24-hour window, held behind a template outside it."""
    form = await checked_form(request)
    text = str(form.get("text") or "").strip()
    found = await handled_request(db, viewer, ticket)
    if found is None:
        return await precheck_only(request, db, runtime, viewer, ticket, lang)
    if not text or len(text) > 4096 or "\x00" in text:
        return await render_request(
            request,
            db,
            runtime,
            viewer,
            ticket,
            lang,
            error="err_reply_empty",
            error_for="reply-form",
            status_code=422,
        )
    outcome = await lifecycle.send_operator_reply(
        db,
        runtime=runtime,
        request=found[0],
        actor=viewer.actor,
        text_body=text,
        now=utcnow(),
        hold_if_closed=True,
    )
    done = "held" if outcome == "held" else "sent"
    return RedirectResponse(f"{PREFIX}/requests/{ticket}?done={done}", status_code=303)


@router.get("/documents/{document_id}/content")
async def document_content(
    document_id: int, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep
) -> Response:
    """A document shown in the page or opened in a tab; every view is audited ("dashboard")."""
    try:
        opened = await open_visible(
            db, runtime.store, viewer, document_id, reason=AUDIT_REASON, action=AccessAction.VIEW
        )
    except LockerError:
        raise PageNotFound from None
    if opened is None:
        raise PageNotFound
    document, content = opened
    mime_type = document.mime_type if document.mime_type in _INLINE_TYPES else None
    disposition = "inline" if mime_type else "attachment"
    headers = {
        "Content-Disposition": f'{disposition}; filename="document-{document.id}"',
        "Cache-Control": "private, no-store",
    }
    return StreamingResponse(
        content, media_type=mime_type or "application/octet-stream", headers=headers
    )
