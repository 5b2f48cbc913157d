"""SQL for reading requests as an operator sees them, always within their scope.

Every query here takes the viewer's scope (None = every office) and applies it in SQL, so a
request outside it is indistinguishable from one that does not exist. The JSON API, the
dashboard's queue and its exports all list through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import Document
from app.operators.service import Scope
from app.requests.models import Request, RequestDocument
from app.requests.status import FINAL
from app.requests.visibility import awaiting_precheck, visible
from app.residents.models import Resident


@dataclass(frozen=True)
class RequestFilter:
    """The list's filters; empty `statuses` means every status except `collecting`."""

    statuses: tuple[str, ...] = ()
    service: str | None = None
    offices: frozenset[int] | None = None
    resident: str | None = None
    text: str | None = None
    digits: str | None = None
    nik_keys: tuple[str, ...] = ()
    # Work filters: held by this operator (0 = by nobody), past due on this day, or waiting for
    # the viewer's village to pre-check it.
    assigned_to: int | None = None
    overdue_on: date | None = None
    awaiting_precheck: bool = False


Position = tuple[datetime, int]
"""Where a page ends: the last item's `created_at` and `id` (newest first)."""

Attached = list[tuple[RequestDocument, Document | None]]
"""A request's attached documents: each link, and its locker row (None once erased)."""


def _searched(text: str, digits: str | None, nik_keys: Sequence[str]) -> ColumnElement[bool]:
    needle = text.lower()
    found: list[ColumnElement[bool]] = [
        func.lower(Request.ticket).contains(needle, autoescape=True),
        func.lower(Resident.name).contains(needle, autoescape=True),
        Resident.wa_id.contains(text, autoescape=True),
    ]
    if digits:
        found.append(Resident.wa_id.contains(digits, autoescape=True))
        if digits.startswith("0"):  # 0812… as typed in Indonesia is 62812… as WhatsApp sends it
            found.append(Resident.wa_id.contains("62" + digits[1:], autoescape=True))
        found.extend(
            Request.fields[key].as_string().contains(digits, autoescape=True) for key in nik_keys
        )
    return or_(*found)


def _listing(scope: Scope, wanted: RequestFilter) -> Select[Request, Resident]:
    stmt = select(Request, Resident).join(Resident, Resident.id == Request.resident_id)
    stmt = stmt.where(visible(scope))
    if wanted.statuses:
        stmt = stmt.where(Request.status.in_(wanted.statuses))
    else:
        stmt = stmt.where(Request.status != "collecting")
    if wanted.service is not None:
        stmt = stmt.where(Request.service_code == wanted.service)
    if wanted.offices is not None:
        stmt = stmt.where(
            Request.office_id.in_(sorted(wanted.offices)) if wanted.offices else false()
        )
    if wanted.resident is not None:
        stmt = stmt.where(
            or_(Resident.wa_id == wanted.resident, Resident.user_id == wanted.resident)
        )
    if wanted.text:
        stmt = stmt.where(_searched(wanted.text, wanted.digits, wanted.nik_keys))
    if wanted.assigned_to is not None:
        stmt = stmt.where(
            Request.assigned_operator_id == wanted.assigned_to
            if wanted.assigned_to
            else Request.assigned_operator_id.is_(None)
        )
    if wanted.overdue_on is not None:
        stmt = stmt.where(
            Request.due_date < wanted.overdue_on,
            Request.status.not_in(sorted(s.value for s in FINAL)),
        )
    if wanted.awaiting_precheck:
        stmt = stmt.where(awaiting_precheck(scope))
    return stmt


async def list_requests(
    session: AsyncSession,
    scope: Scope,
    wanted: RequestFilter,
    *,
    after: Position | None,
    limit: int,
) -> list[tuple[Request, Resident]]:
    """Up to `limit` requests, newest first, starting after `after`."""
    stmt = _listing(scope, wanted)
    if after is not None:
        created_at, request_id = after
        stmt = stmt.where(
            or_(
                Request.created_at < created_at,
                and_(Request.created_at == created_at, Request.id < request_id),
            )
        )
    stmt = stmt.order_by(Request.created_at.desc(), Request.id.desc()).limit(limit)
    return [(request, resident) for request, resident in (await session.execute(stmt))]


async def visible_request(
    session: AsyncSession, scope: Scope, ticket: str, *, for_update: bool = False
) -> tuple[Request, Resident] | None:
    """The request with this ticket and its resident, if the scope covers it.

    `for_update` locks the request row until the transaction ends, so two operators moving the
    same request at once are applied one after the other (PostgreSQL; SQLite's write lock
    already serializes whole transactions).
    """
    stmt = (
        select(Request, Resident)
        .join(Resident, Resident.id == Request.resident_id)
        .where(Request.ticket == ticket, visible(scope))
    )
    if for_update:
        stmt = stmt.with_for_update(of=Request)
    row = (await session.execute(stmt)).one_or_none()
    return (row[0], row[1]) if row is not None else None


async def attached_documents(
    session: AsyncSession, request_ids: Sequence[int]
) -> dict[int, Attached]:
    """Each request's attached documents, in the order they were attached."""
    if not request_ids:
        return {}
    stmt = (
        select(RequestDocument, Document)
        .outerjoin(Document, Document.id == RequestDocument.document_id)
        .where(RequestDocument.request_id.in_(request_ids))
        .order_by(RequestDocument.request_id, RequestDocument.id)
    )
    found: dict[int, Attached] = {}
    for link, document in await session.execute(stmt):
        found.setdefault(link.request_id, []).append((link, document))
    return found


async def document_visible(session: AsyncSession, scope: Scope, document_id: int) -> bool:
    """True when the document is attached to at least one request the scope covers."""
    stmt = (
        select(RequestDocument.id)
        .join(Request, Request.id == RequestDocument.request_id)
        .where(RequestDocument.document_id == document_id, visible(scope))
        .limit(1)
    )
    return (await session.execute(stmt)).first() is not None
