"""What the request page shows, assembled from the domain: answers, documents, history, chat.

The list, scoping, search and masking come from the domain (`app.requests.queries`); this
module only adds what a person reading a page needs on top of it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.request_chat import request_chat
from app.dashboard.presenter import applicant_of, presenter_for, usernames_in
from app.offices import repository as offices
from app.offices.models import Office
from app.operators.service import Scope, in_scope
from app.outbox.delivery import window_open
from app.requests import delivery_way, listing, queries, work
from app.requests import repository as requests_repo
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


def is_overdue(item: Request, today: date) -> bool:
    """Past its due date and not yet finished."""
    final = item.status in {s.value for s in FINAL}
    return item.due_date is not None and item.due_date < today and not final


def operator_moves(status: str, *, digital: bool = False) -> list[RequestStatus]:
    """The statuses an operator may move a request in `status` to, in display order."""
    try:
        current = RequestStatus(status)
    except ValueError:
        return []
    allowed = allowed_moves(current, digital=digital)
    return [s for s in ACTION_ORDER if s in allowed]


def _place(office: Office | None) -> str:
    return (office.address or office.name) if office else ""


async def _pickup_places(
    session: AsyncSession, request: Request, office: Office | None
) -> list[str]:
    """Where the result may be collected: the handling office, or the village that pre-checked
    it (nearer the resident), offered on the "ready for pickup" form."""
    village = (
        await offices.get(session, request.precheck_office_id)
        if request.precheck_office_id
        else None
    )
    return [place for place in dict.fromkeys((_place(office), _place(village))) if place]


def _moves(request: Request) -> list[RequestStatus]:
    return operator_moves(request.status, digital=request.delivery == "digital")


# History entries without a status change that the page labels (app/dashboard/texts/*.yaml).
HISTORY_KINDS = frozenset(
    f"history_{kind}"
    for kind in (
        "note",
        "assigned",
        "precheck",
        "forwarded",
        "pickup_reminder",
        "proxy",
        "proxy_cleared",
        "delivery_pickup",
        "delivery_digital",
        "delivery_home",
    )
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
    lang: str,
) -> dict[str, Any]:
    """Everything the request page template shows (full NIK: an operator checks it here), in
    words (`p`, the presenter: titles, labels, names and dates for codes).

    A village that only pre-checks the request (`handles` false) sees it but gets no action,
    reply or assignment forms.
    """
    await session.flush()
    attached = (await listing.attached_documents(session, [request.id])).get(request.id, [])
    history = await requests_repo.history_of(session, request.id)
    office = await offices.get(session, request.office_id) if request.office_id else None
    service = runtime.catalog.services.get(request.service_code)
    handles = queries.handles(scope, request)
    team = await work.assignable(session, request) if handles else []
    assignees = [str((e.data or {}).get("assignee") or "") for e in history]
    p = await presenter_for(
        session,
        runtime.catalog,
        lang,
        runtime.settings.tz,
        [*usernames_in(e.actor for e in history), *assignees],
    )
    code = request.service_code
    labels = p.document_labels(code, [link.requirement for link, _ in attached])
    documents = [
        {
            "id": link.document_id,
            "requirement": link.requirement,
            "label": label,
            "mime_type": document.mime_type if document else None,
            "inline": bool(document and document.mime_type in INLINE_IMAGES),
            "available": bool(document and document.has_file),
        }
        for (link, document), label in zip(attached, labels, strict=True)
    ]
    return {
        "p": p,
        "req": request,
        "resident": resident,
        "service": service,
        "applicant": applicant_of(request.fields or {}, resident.name),
        "answers": p.answers(code, request.fields or {}),
        "documents": documents,
        "history": history,
        "chat": await request_chat(session, request, resident),
        "handles": handles,
        "history_kinds": HISTORY_KINDS,
        "moves": [m.value for m in _moves(request)] if handles else [],
        "assignee": next((o for o in team if o.id == request.assigned_operator_id), None),
        "team": team,
        "office": office,
        "default_place": _place(office),
        "pickup_places": await _pickup_places(session, request, office),
        # The resident's way may still change, and the service has more than one.
        "delivery_form": handles
        and RequestStatus(request.status) in delivery_way.CHANGEABLE
        and len(delivery_way.offered(runtime.catalog, request.service_code)) > 1,
        "default_hours": (office.hours or "") if office else "",
        "window_open": window_open(resident, now, runtime.settings),
        "tz": runtime.settings.tz,  # times are shown in the office's timezone
    }
