"""Inbound events set aside after repeated failures, for admins: what, for whom, why; retry.

A set-aside event is a resident's message (or an input Loket made for them: a document verdict,
a correction request) that failed `MAX_ATTEMPTS` times and no longer blocks the resident's later
messages. The page lists them in words (what it carried, the masked number, when, the error as
a sentence with the technical detail folded away, the attempts); "retry" queues one again, once,
and is audited (`app.inbox.service.retry`). Anyone who is not an admin gets the 404 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

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
from app.dashboard.texts import MESSAGES
from app.inbox import service
from app.inbox.models import InboundEvent
from app.operators.models import OperatorRole
from app.operators.service import Viewer
from app.requests.masking import mask_identity_number
from app.residents.models import Resident
from app.runtime import Runtime

router = APIRouter()

PAGE_LIMIT = 100
MAX_ID = 2**63 - 1  # ids are BIGINT: anything larger names nothing
# The exception behind `last_error` ("IntegrityError: …"), as a sentence an admin can act on.
_ERROR_FAMILIES = {
    "inbox_error_conflict": frozenset({"IntegrityError", "UniqueViolationError"}),
    "inbox_error_unavailable": frozenset(
        {"OperationalError", "InterfaceError", "DBAPIError", "TimeoutError", "ConnectionError"}
        | {"OSError", "CancelledError", "DeadlockDetectedError", "GraphNetworkError"}
    ),
    "inbox_error_content": frozenset(
        {"ValidationError", "ValueError", "KeyError", "TypeError", "AttributeError"}
        | {"IndexError", "AssertionError", "LookupError", "UnicodeError"}
    ),
}


@dataclass(frozen=True)
class FailedRow:
    """One set-aside event as the page shows it."""

    event: InboundEvent
    who: str
    subject_key: str
    ticket: str | None
    error_key: str


def masked_address(resident: Resident | None) -> str:
    """`6281234500001` → `+6281*****0001`; a business-scoped id is masked the same way."""
    if resident is None:
        return "—"
    if resident.wa_id:
        return "+" + mask_identity_number(resident.wa_id)
    return mask_identity_number(resident.user_id) if resident.user_id else "—"


def error_key(last_error: str | None) -> str:
    """The text key that puts `last_error` into words."""
    name = (last_error or "").split(":", 1)[0].strip()
    for key, names in _ERROR_FAMILIES.items():
        if name in names:
            return key
    return "inbox_error_unexpected"


def _ticket_of(event: InboundEvent) -> str | None:
    payload: Any = event.payload if isinstance(event.payload, dict) else {}
    item = payload.get("input")
    ticket = item.get("ticket") if isinstance(item, dict) else None
    return str(ticket) if ticket else None


def _row(event: InboundEvent, resident: Resident | None) -> FailedRow:
    subject = f"inbox_subject_{service.subject_of(event)}"
    if subject not in MESSAGES:
        subject = f"inbox_subject_{event.kind}"
    return FailedRow(
        event=event,
        who=masked_address(resident),
        subject_key=subject if subject in MESSAGES else "inbox_subject_other",
        ticket=_ticket_of(event),
        error_key=error_key(event.last_error),
    )


def _admin(viewer: Viewer) -> None:
    if viewer.operator.role != OperatorRole.ADMIN:
        raise PageNotFound


async def _page(
    request: Request,
    db: AsyncSession,
    runtime: Runtime,
    viewer: Viewer,
    lang: str,
    refused: FormRefused | None = None,
) -> Response:
    rows = [_row(event, resident) for event, resident in await service.list_failed(db, PAGE_LIMIT)]
    notice = "inbox_done_retried" if request.query_params.get("done") == "retried" else None
    context = {
        "operator": viewer.operator,
        "rows": rows,
        "limit": PAGE_LIMIT,
        "tz": runtime.settings.tz,
        "notice": notice,
    }
    return render_refusable(request, "inbox.html", lang, context, refused)


@router.get("/inbox")
async def failed_events(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """Admins only: the set-aside events, the most recently set aside first."""
    _admin(viewer)
    return await _page(request, db, runtime, viewer, lang)


@router.post("/inbox/{event_id}/retry", dependencies=[shown_on(_page)])
async def retry_event(request: Request, event_id: int, viewer: ViewerDep, db: DbDep) -> Response:
    """Queue one set-aside event again (audited); the processing worker runs it once."""
    _admin(viewer)
    await checked_form(request)
    if not 0 < event_id <= MAX_ID:
        raise PageNotFound
    try:
        await service.retry(db, event_id, actor=viewer.actor, ip=client_ip(request))
    except service.InboundEventNotFound:
        raise PageNotFound from None
    except service.NotRetryable:
        raise FormRefused("inbox_err_not_retryable", status_code=409) from None
    return RedirectResponse(f"{PREFIX}/inbox?done=retried", status_code=303)
