"""What the request page shows, assembled from the domain: answers, documents, history, chat.

The list, scoping, search and masking come from the operator API's service (`app.api.service`);
this module only adds what a person reading a page needs on top of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.api import repository as api_repository
from app.api import service as api_service
from app.api.schemas import RequestSummaryOut
from app.dashboard import repository
from app.notifications.catalog import templates as message_templates
from app.notifications.service import window_open
from app.offices import repository as offices
from app.offices.models import Office
from app.operators.service import Scope, in_scope
from app.requests import work
from app.requests.models import Request
from app.requests.status import FINAL, RequestStatus, allowed_moves
from app.residents.models import Resident
from app.runtime import Runtime

# The order action forms appear in; `cancelled` is the resident's move, never an operator's.
ACTION_ORDER = (
    RequestStatus.IN_REVIEW,
    RequestStatus.NEEDS_CORRECTION,
    RequestStatus.PROCESSING,
    RequestStatus.READY_FOR_PICKUP,
    RequestStatus.OUT_FOR_DELIVERY,
    RequestStatus.COMPLETED,
    RequestStatus.REJECTED,
)
INLINE_IMAGES = frozenset({"image/jpeg", "image/png"})
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class ChatLine:
    """One message in the resident's chat, either way."""

    at: datetime
    inbound: bool
    text: str


def is_overdue(item: RequestSummaryOut, today: date) -> bool:
    """Past its due date and not yet finished."""
    final = item.status in {s.value for s in FINAL}
    return item.due_date is not None and item.due_date < today and not final


def operator_moves(status: str) -> list[RequestStatus]:
    """The statuses an operator may move a request in `status` to, in display order."""
    try:
        current = RequestStatus(status)
    except ValueError:
        return []
    allowed = allowed_moves(current)
    return [s for s in ACTION_ORDER if s in allowed]


def _template_text(body: dict[str, Any], language: str) -> str:
    spec = body.get("template") or {}
    name = str(spec.get("name") or "")
    params: list[str] = []
    for component in spec.get("components") or []:
        if component.get("type") == "body":
            params = [str(p.get("text", "")) for p in component.get("parameters") or []]
    template = message_templates().get(name)
    if template is None:
        return f"[{name}] " + " · ".join(params)
    texts = template.languages.get(language) or template.languages.get("id") or {}
    pattern = str(texts.get("body") or "")

    def fill(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return params[index] if 0 <= index < len(params) else match.group(0)

    return _PLACEHOLDER.sub(fill, pattern)


def outbound_text(body: dict[str, Any], language: str) -> str | None:
    """What the resident reads in one outbox body; None for receipts and typing signals."""
    kind = body.get("type")
    if kind == "text":
        return str((body.get("text") or {}).get("body") or "")
    if kind == "interactive":
        return str(((body.get("interactive") or {}).get("body") or {}).get("text") or "")
    if kind == "template":
        return _template_text(body, language)
    if kind in {"document", "image"}:
        media = body.get(str(kind)) or {}
        return str(media.get("caption") or media.get("filename") or f"[{kind}]")
    return None


def inbound_text(message: dict[str, Any]) -> str:
    """What the resident sent, as text: typed text, the title of a tap, or the media kind."""
    kind = str(message.get("type") or "")
    if kind == "text":
        return str((message.get("text") or {}).get("body") or "")
    if kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        return str(chosen.get("title") or chosen.get("id") or "")
    if kind == "button":
        return str((message.get("button") or {}).get("text") or "")
    media = message.get(kind) if kind else None
    if isinstance(media, dict) and media.get("caption"):
        return f"[{kind}] {media['caption']}"
    return f"[{kind or 'message'}]"


async def chat_of(session: AsyncSession, resident: Resident) -> list[ChatLine]:
    """The resident's conversation with Loket, oldest first (read-only)."""
    lines: list[ChatLine] = []
    for event in await repository.inbound_messages(session, resident.id):
        message = event.payload.get("message") or {}
        at = event.occurred_at or event.received_at
        lines.append(ChatLine(at, True, inbound_text(message)))
    for row in await repository.outbound_messages(session, resident.id):
        body_text = outbound_text(row.body, resident.language)
        if body_text is not None:
            lines.append(ChatLine(row.created_at, False, body_text))
    lines.sort(key=lambda line: line.at)
    return lines


# History entries without a status change that the page labels (app/dashboard/texts/work.py).
HISTORY_KINDS = frozenset(
    f"history_{kind}" for kind in ("note", "assigned", "precheck", "forwarded", "pickup_reminder")
)


async def offices_in(session: AsyncSession, scope: Scope) -> list[Office]:
    """The offices an operator may filter the queue by: those in their scope, by code."""
    return [o for o in await offices.all_offices(session) if in_scope(scope, o.id)]


async def request_page(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    resident: Resident,
    now: datetime,
    scope: Scope,
) -> dict[str, Any]:
    """Everything the request page template shows (full NIK: an operator checks it here).

    A village that only pre-checks the request (`handles` false) sees it but gets no action,
    reply or assignment forms.
    """
    await session.flush()
    attached = (await api_repository.documents_of(session, [request.id])).get(request.id, [])
    history = await api_repository.history_of(session, request.id)
    office = await offices.get(session, request.office_id) if request.office_id else None
    service = runtime.catalog.services.get(request.service_code)
    handles = api_service.handles(scope, request)
    team = await work.assignable(session, request) if handles else []
    labels = {f.key: f.label for f in service.fields} if service else {}
    documents = [
        {
            "id": link.document_id,
            "requirement": link.requirement,
            "mime_type": document.mime_type if document else None,
            "inline": bool(document and document.mime_type in INLINE_IMAGES),
            "available": bool(document and document.has_file),
        }
        for link, document in attached
    ]
    return {
        "req": request,
        "resident": resident,
        "service": service,
        "field_labels": labels,
        "documents": documents,
        "history": history,
        "chat": await chat_of(session, resident),
        "handles": handles,
        "history_kinds": HISTORY_KINDS,
        "moves": [m.value for m in operator_moves(request.status)] if handles else [],
        "assignee": next((o for o in team if o.id == request.assigned_operator_id), None),
        "team": team,
        "office": office,
        "default_place": (office.address or office.name) if office else "",
        "default_hours": (office.hours or "") if office else "",
        "window_open": window_open(resident, now, runtime.settings),
        "tz": runtime.settings.tz,  # times are shown in the office's timezone
    }
