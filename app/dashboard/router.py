"""The dashboard's pages: the queue, one request, its actions, the reply box and documents.

Routes stay thin: they parse the form, call the domain (`app.requests.queries` for lists and scope,
`app.requests.lifecycle` for moves and replies, the locker for files) and render. A form error
re-renders the page with the reason in the operator's language; success redirects (PRG).
The POST routes share that skeleton: `PostedDep` / `HandledDep` check the form and find the
request, a route raises `FormRefused`, and one handler (`deps.show_refused_form`) shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from app.dashboard import repository, views
from app.dashboard.auth_routes import checked_form
from app.dashboard.deps import (
    PREFIX,
    DbDep,
    FormRefused,
    LanguageDep,
    PageNotFound,
    RuntimeDep,
    ViewerDep,
    refusals_on,
    render,
)
from app.dashboard.handoff_views import request_panel
from app.dashboard.issued_views import issued_panel
from app.dashboard.precheck_views import PrecheckDraft, precheck_panel
from app.dashboard.presenter import applicant_of, presenter_for
from app.dashboard.transitions import TransitionForm, run_transition
from app.db import utcnow
from app.deps import writes_on_get
from app.locker import AccessAction, LockerError, open_visible
from app.operators.service import Viewer
from app.requests import lifecycle, listing, queries
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
    "issued": "issued_done",
    "delivery": "done_delivery",
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
    query = queries.ListQuery(
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
        page = await queries.list_page(
            db, runtime.catalog, viewer.scope, query, viewer_id=viewer.operator.id, today=today
        )
        items, next_cursor = page.items, page.next_cursor
    except queries.InvalidQuery:
        items, next_cursor, error, code = [], None, "bad_filter", 422
    nik_keys = runtime.catalog.nik_field_keys()
    p = await presenter_for(
        db, runtime.catalog, lang, runtime.settings.tz, [item.assignee for item in items]
    )
    rows = [
        {
            "item": item.request,
            "resident": item.resident,
            "assignee": item.assignee,
            # Lists show the masked NIK and nothing it encodes (app.requests.masking).
            "nik": next((item.fields[k] for k in nik_keys if k in item.fields), ""),
            "applicant": applicant_of(item.fields, item.resident.name),
            "overdue": views.is_overdue(item.request, today),
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
    refused: FormRefused | None = None,
) -> Response:
    """The request page; after a refused form, with its reason next to that form.

    The reason stands at the top when the refusal names no form, or one the page no longer
    shows; a refused pre-check keeps what the village typed.
    """
    found = await queries.find_request(db, viewer.scope, ticket)
    if found is None:
        raise PageNotFound
    context: dict[str, Any] = await views.request_page(
        db, runtime, *found, utcnow(), viewer.scope, lang
    )
    notice = DONE_NOTICES.get(_param(request, "done"))
    context |= {
        "operator": viewer.operator,
        "error": refused.message if refused else None,
        "error_for": refused.form if refused else None,
        "notice": notice,
    }
    context |= await issued_panel(db, runtime, found[0], lang)
    draft = refused.kept if refused and isinstance(refused.kept, PrecheckDraft) else None
    context |= await precheck_panel(db, runtime, found[0], viewer, draft)
    context |= await request_panel(db, found[0].resident_id, lang, runtime.settings.tz)
    if context["error_for"] is not None and context["error_for"] not in _forms_on(context):
        context["error_for"] = None  # that form is gone (the request moved on): say it on top
    context |= {
        "live_url": f"{PREFIX}/live?" + urlencode({"ticket": found[0].ticket}),
        # After a form error the address bar shows the POST's URL; refresh from the page's own.
        "live_page": f"{PREFIX}/requests/{found[0].ticket}",
        "live_version": await repository.request_version(db, found[0]),
    }
    code = refused.status_code if refused else 200
    return render(request, "request.html", lang, context, status_code=code)


def _forms_on(context: dict[str, Any]) -> set[str]:
    """The ids of the forms the request page shows, which a form error can stand in."""
    forms = {f"action-{move}" for move in context["moves"]}
    if context["handles"]:
        forms |= {"reply-form", "note-form", "assign-form", "issued-form"}
    if context.get("delivery_form"):
        forms.add("delivery-form")
    if context.get("precheck", {}).get("editable"):
        forms |= {"precheck-form", "precheck-forward"}
    return forms


async def _request_page_again(
    request: Request,
    db: AsyncSession,
    runtime: Runtime,
    viewer: Viewer,
    lang: str,
    refused: FormRefused,
) -> Response:
    ticket = str(request.path_params["ticket"])
    return await render_request(request, db, runtime, viewer, ticket, lang, refused)


@dataclass(frozen=True)
class PostedRequest:
    """A form posted from a request page (its CSRF token checked) and the request, locked."""

    ticket: str  # as the address names it: the page to go back to
    form: FormData
    row: RequestRow
    resident: Resident
    viewer: Viewer

    def done(self, notice: str) -> RedirectResponse:
        """Back to the request page with the notice of what was done (PRG)."""
        return RedirectResponse(f"{PREFIX}/requests/{self.ticket}?done={notice}", status_code=303)


async def posted_request(
    request: Request, ticket: str, viewer: ViewerDep, db: DbDep
) -> PostedRequest:
    """The request a form is posted about; outside the viewer's scope it is PageNotFound, as
    everywhere. A FormRefused of the route shows the request page again."""
    refusals_on(request, _request_page_again)
    form = await checked_form(request)
    found = await queries.find_request(db, viewer.scope, ticket, for_update=True)
    if found is None:
        raise PageNotFound
    return PostedRequest(ticket, form, *found, viewer)


PostedDep = Annotated[PostedRequest, Depends(posted_request)]


async def handled_request(posted: PostedDep) -> PostedRequest:
    """The posted request, for its handling office; a village that only pre-checks it is told
    why it cannot do this (403)."""
    if not queries.handles(posted.viewer.scope, posted.row):
        raise FormRefused("err_precheck_only", status_code=403)
    return posted


HandledDep = Annotated[PostedRequest, Depends(handled_request)]


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
async def move_request(posted: HandledDep, db: DbDep, runtime: RuntimeDep) -> Response:
    """Apply one action form; a refusal shows the page again (nothing it wrote is kept)."""
    form = TransitionForm.from_form(posted.form)
    failure = await run_transition(db, runtime, posted.row, posted.viewer.actor, form, utcnow())
    if failure is not None:
        error, code = failure
        form_id = f"action-{form.to.value}" if form.to is not None else None
        raise FormRefused(error, form=form_id, status_code=code)
    return posted.done("moved")


@router.post("/requests/{ticket}/messages")
async def reply(posted: HandledDep, db: DbDep, runtime: RuntimeDep) -> Response:
    """A free-text reply: sent inside the 24-hour window, held behind a template outside it."""
    text = str(posted.form.get("text") or "").strip()
    if not text or len(text) > 4096 or "\x00" in text:
        raise FormRefused("err_reply_empty", form="reply-form")
    outcome = await lifecycle.send_operator_reply(
        db,
        settings=runtime.settings,
        request=posted.row,
        actor=posted.viewer.actor,
        text_body=text,
        now=utcnow(),
        hold_if_closed=True,
    )
    return posted.done("held" if outcome == "held" else "sent")


@router.get("/documents/{document_id}/content")
@writes_on_get  # the download is audited in the route's session
async def document_content(
    document_id: int, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep
) -> Response:
    """A document shown in the page or opened in a tab; every view is audited ("dashboard")."""
    try:
        opened = await open_visible(
            db,
            runtime.store,
            document_id,
            may_see=partial(listing.document_visible, db, viewer.scope),
            actor=viewer.actor,
            reason=AUDIT_REASON,
            action=AccessAction.VIEW,
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
