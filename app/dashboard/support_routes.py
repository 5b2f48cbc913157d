"""Complaints and hand-offs: their queues, closing a complaint, replying in and ending a hand-off.

Routes stay thin like the request page's: the rules live in `app.feedback` (complaints) and
`app.conversations.handoff` (hand-offs), including who sees what. A form error re-renders the
page with the reason (422: fix the form; 409: it is no longer possible); success redirects (PRG).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations import handoff
from app.conversations import repository as chats
from app.conversations.handoff_deadline import waits_until
from app.conversations.request_chat import recent_chat
from app.dashboard.auth_routes import checked_form
from app.dashboard.deps import (
    PREFIX,
    DbDep,
    FormRefused,
    LanguageDep,
    PageNotFound,
    RuntimeDep,
    ViewerDep,
    client_ip,
    render_refusable,
    shown_on,
)
from app.dashboard.handoff_views import deadline_text
from app.dashboard.i18n import translate
from app.dashboard.presenter import presenter_for, usernames_in
from app.db import utcnow
from app.feedback import repository as complaints
from app.feedback import service as feedback
from app.operators.service import Viewer
from app.outbox.delivery import window_open
from app.runtime import Runtime

router = APIRouter()

MAX_ID = 2**63 - 1  # ids are BIGINT: anything larger names nothing
MAX_TEXT = 4096  # a WhatsApp text
MAX_RESOLUTION = 2000
CHAT_LINES = 6
COMPLAINT_NOTICES = {"closed": "support_done_closed", "held": "support_done_closed_held"}
HANDOFF_NOTICES = {
    "sent": "done_sent",
    "held": "done_held",
    "ended": "support_done_ended",
    "over": "support_done_over",
}
KNOWN_REASONS = frozenset({"resident_request", "validation_failed"})


def _clean(value: object, limit: int) -> str | None:
    """The trimmed text of a form field; None when it is too long or holds a NUL."""
    text = str(value or "").strip()
    return None if len(text) > limit or "\x00" in text else text


def age_text(since: datetime, now: datetime, lang: str) -> str:
    """How long ago, in the largest whole unit: "3 hari", "5 jam", "12 menit"."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes >= 24 * 60:
        return translate("support_age_days", lang).format(n=minutes // (24 * 60))
    if minutes >= 60:
        return translate("support_age_hours", lang).format(n=minutes // 60)
    return translate("support_age_minutes", lang).format(n=minutes)


def _checked_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise PageNotFound
    return value


# ---- Complaints ---------------------------------------------------------------------------


async def _render_complaints(
    request: Request,
    db: AsyncSession,
    runtime: Runtime,
    viewer: Viewer,
    lang: str,
    refused: FormRefused | None = None,
) -> Response:
    closed = request.query_params.get("closed") == "1"
    rows = await complaints.visible_complaints(db, viewer.scope, closed=closed)
    now = utcnow()
    closers = usernames_in(row.complaint.closed_by for row in rows)
    context: dict[str, Any] = {
        "operator": viewer.operator,
        "p": await presenter_for(db, runtime.catalog, lang, runtime.settings.tz, closers),
        "closed": closed,
        "rows": [
            {"row": row, "age": age_text(row.complaint.created_at, now, lang)} for row in rows
        ],
        "notice": COMPLAINT_NOTICES.get(request.query_params.get("done") or ""),
        "tz": runtime.settings.tz,
    }
    return render_refusable(request, "complaints.html", lang, context, refused)


@router.get("/complaints")
async def complaint_queue(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """Open complaints, oldest first; `?closed=1` shows closed ones with who closed them."""
    return await _render_complaints(request, db, runtime, viewer, lang)


@router.post("/complaints/{complaint_id}/close", dependencies=[shown_on(_render_complaints)])
async def close_complaint(
    request: Request, complaint_id: int, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep
) -> Response:
    """Close one complaint with its resolution; the resident is told."""
    form = await checked_form(request)
    row = await complaints.visible_complaint(
        db, viewer.scope, _checked_id(complaint_id), for_update=True
    )
    if row is None:
        raise PageNotFound
    card = row.complaint.id
    resolution = _clean(form.get("resolution"), MAX_RESOLUTION)
    if resolution is None:
        raise FormRefused("err_invalid", form=card)
    try:
        outcome = await feedback.resolve_complaint(
            db,
            row,
            settings=runtime.settings,
            actor=viewer.actor,
            resolution=resolution,
            ip=client_ip(request),
            now=utcnow(),
        )
    except feedback.ResolutionMissing:
        raise FormRefused("support_err_resolution", form=card) from None
    except feedback.ComplaintAlreadyClosed:
        raise FormRefused("support_err_already_closed", form=card, status_code=409) from None
    done = "held" if outcome == "held" else "closed"
    return RedirectResponse(f"{PREFIX}/complaints?done={done}", status_code=303)


# ---- Hand-offs ----------------------------------------------------------------------------


async def _render_handoffs(
    request: Request,
    db: AsyncSession,
    runtime: Runtime,
    viewer: Viewer,
    lang: str,
    refused: FormRefused | None = None,
) -> Response:
    now = utcnow()
    items = []
    for item in await handoff.visible_handoffs(db, viewer.scope):
        reason = item.conversation.handoff_reason or ""
        since = item.conversation.handoff_at or item.conversation.updated_at
        items.append(
            {
                "item": item,
                "since": since,
                "age": age_text(since, now, lang),
                "reason_key": f"support_reason_{reason}" if reason in KNOWN_REASONS else None,
                "reason": reason,
                "deadline": deadline_text(
                    waits_until(item.conversation), lang, runtime.settings.tz
                ),
                "chat": await recent_chat(
                    db,
                    item.resident,
                    await chats.tickets_seen(db, item.resident.id, viewer.scope),
                    limit=CHAT_LINES,
                ),
                "window_open": window_open(item.resident, now, runtime.settings),
            }
        )
    context: dict[str, Any] = {
        "operator": viewer.operator,
        "p": await presenter_for(db, runtime.catalog, lang, runtime.settings.tz),
        "items": items,
        "notice": HANDOFF_NOTICES.get(request.query_params.get("done") or ""),
        "tz": runtime.settings.tz,
    }
    return render_refusable(request, "handoffs.html", lang, context, refused)


@router.get("/handoffs")
async def handoff_queue(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """Conversations waiting for an officer, the longest waiting first."""
    return await _render_handoffs(request, db, runtime, viewer, lang)


@router.post("/handoffs/{conversation_id}/messages", dependencies=[shown_on(_render_handoffs)])
async def handoff_reply(
    request: Request, conversation_id: int, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep
) -> Response:
    """The officer's message: sent inside the 24-hour window, held behind a template outside."""
    form = await checked_form(request)
    found = await handoff.find_visible(db, viewer.scope, _checked_id(conversation_id))
    if found is None:
        raise PageNotFound
    conversation, resident = found
    text = _clean(form.get("text"), MAX_TEXT)
    if conversation.status != handoff.HANDOFF:
        raise FormRefused("support_done_over", form=conversation.id, status_code=409)
    if not text:
        raise FormRefused("err_reply_empty", form=conversation.id)
    outcome = await handoff.reply(
        db,
        runtime=runtime,
        conversation=conversation,
        resident=resident,
        request=await handoff.latest_request(db, viewer.scope, resident.id),
        actor=viewer.actor,
        text_body=text,
        now=utcnow(),
    )
    done = "held" if outcome == "held" else "sent"
    return RedirectResponse(f"{PREFIX}/handoffs?done={done}", status_code=303)


@router.post("/handoffs/{conversation_id}/end")
async def end_handoff(
    request: Request, conversation_id: int, viewer: ViewerDep, db: DbDep
) -> Response:
    """Hand the conversation back to the bot; a second click changes nothing."""
    await checked_form(request)
    found = await handoff.find_visible(
        db, viewer.scope, _checked_id(conversation_id), for_update=True
    )
    if found is None:
        raise PageNotFound
    conversation, resident = found
    if conversation.status != handoff.HANDOFF:
        return RedirectResponse(f"{PREFIX}/handoffs?done=over", status_code=303)
    latest = await handoff.latest_request(db, viewer.scope, resident.id)
    await handoff.end(
        db,
        conversation,
        actor=viewer.actor,
        office_id=latest.office_id if latest else None,
        ip=client_ip(request),
        now=utcnow(),
    )
    return RedirectResponse(f"{PREFIX}/handoffs?done=ended", status_code=303)
