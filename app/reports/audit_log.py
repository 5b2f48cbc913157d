"""SQL behind the admin's audit page (a report across the domains, hence here, not in app/audit):

- actions: `audit_event` rows (sign-ins, exports, overrides…), scoped by the row's office;
- document reads: `document_access` rows with the tickets of the requests the document is
  attached to, scoped by those requests' offices;
- operator history: `request_event` rows written by operators, scoped by the request's office.

Every list is newest first and pages by keyset on (at, id). A scope of None (an admin without an
office) sees every row, including rows that belong to no office at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from app.audit.models import AuditEvent
from app.locker import DocumentAccess
from app.offices.models import Office
from app.operators.service import Scope
from app.requests.models import Request, RequestDocument, RequestEvent

Ts = TypeVarTuple("Ts")

Position = tuple[datetime, int]
"""Where a page ends: the last row's `at` and `id` (newest first)."""

OPERATOR_ACTOR_PREFIX = "operator:"
ACTOR_PREFIX_MARK = "*"


@dataclass(frozen=True)
class AuditFilter:
    """What the admin narrowed the log to; None means "any"."""

    actor: str | None = None  # exact, or a prefix when it ends with "*" ("operator:*")
    action: str | None = None  # an AuditAction value (actions log only)
    text: str | None = None  # part of a ticket (or, in the actions log, of the target)
    since: datetime | None = None  # inclusive, UTC
    until: datetime | None = None  # exclusive, UTC


@dataclass(frozen=True)
class ActionRow:
    """One audit_event row, with its office's code and whether its target is a ticket."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    office_code: str | None
    ip: str | None
    detail: dict[str, Any]
    target_is_ticket: bool


@dataclass(frozen=True)
class DocumentReadRow:
    """One document_access row and the tickets (in scope) its document is attached to."""

    id: int
    at: datetime
    actor: str
    action: str
    reason: str | None
    document_id: int | None
    tickets: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class HistoryRow:
    """One request_event row an operator wrote, with the request's ticket."""

    id: int
    at: datetime
    actor: str
    ticket: str
    from_status: str | None
    to_status: str | None
    kind: str | None
    note: str | None


def _office_in(column: InstrumentedAttribute[int | None], scope: Scope) -> ColumnElement[bool]:
    if scope is None:
        return true()
    if not scope:
        return false()
    return column.in_(sorted(scope))


def _actor_is(column: InstrumentedAttribute[str], actor: str) -> ColumnElement[bool]:
    if actor.endswith(ACTOR_PREFIX_MARK):
        return column.startswith(actor[: -len(ACTOR_PREFIX_MARK)], autoescape=True)
    return column == actor


def _ticket_has(text: str) -> ColumnElement[bool]:
    return func.upper(Request.ticket).contains(text.upper(), autoescape=True)


def _narrowed(
    stmt: Select[*Ts],
    at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[int],
    actor: InstrumentedAttribute[str],
    wanted: AuditFilter,
    after: Position | None,
    limit: int,
) -> Select[*Ts]:
    """The filters every log shares (actor, dates), the page's start, order and size."""
    if wanted.actor:
        stmt = stmt.where(_actor_is(actor, wanted.actor))
    if wanted.since is not None:
        stmt = stmt.where(at >= wanted.since)
    if wanted.until is not None:
        stmt = stmt.where(at < wanted.until)
    if after is not None:
        last_at, last_id = after
        stmt = stmt.where(or_(at < last_at, and_(at == last_at, row_id < last_id)))
    return stmt.order_by(at.desc(), row_id.desc()).limit(limit)


async def list_actions(
    session: AsyncSession,
    scope: Scope,
    wanted: AuditFilter,
    *,
    after: Position | None,
    limit: int,
) -> list[ActionRow]:
    """Up to `limit` audit_event rows whose office the scope covers, newest first."""
    stmt = (
        select(AuditEvent, Office.code, Request.id)
        .outerjoin(Office, Office.id == AuditEvent.office_id)
        .outerjoin(Request, Request.ticket == AuditEvent.target)
        .where(_office_in(AuditEvent.office_id, scope))
    )
    if wanted.action:
        stmt = stmt.where(AuditEvent.action == wanted.action)
    if wanted.text:
        needle = wanted.text.lower()
        stmt = stmt.where(func.lower(AuditEvent.target).contains(needle, autoescape=True))
    stmt = _narrowed(stmt, AuditEvent.at, AuditEvent.id, AuditEvent.actor, wanted, after, limit)
    return [
        ActionRow(
            id=event.id,
            at=event.at,
            actor=event.actor,
            action=event.action,
            target=event.target,
            office_code=office_code,
            ip=event.ip,
            detail=event.detail or {},
            target_is_ticket=request_id is not None,
        )
        for event, office_code, request_id in await session.execute(stmt)
    ]


def _attached_requests(scope: Scope, text: str | None) -> Select[int]:
    """Ids of documents attached to a request in scope (whose ticket contains `text`)."""
    stmt = (
        select(RequestDocument.document_id)
        .join(Request, Request.id == RequestDocument.request_id)
        .where(_office_in(Request.office_id, scope))
    )
    if text:
        stmt = stmt.where(_ticket_has(text))
    return stmt


async def _tickets_of(
    session: AsyncSession, scope: Scope, document_ids: Sequence[int]
) -> dict[int, tuple[str, ...]]:
    if not document_ids:
        return {}
    stmt = (
        select(RequestDocument.document_id, Request.ticket)
        .join(Request, Request.id == RequestDocument.request_id)
        .where(RequestDocument.document_id.in_(document_ids))
        .where(_office_in(Request.office_id, scope))
        .order_by(Request.ticket)
    )
    found: dict[int, list[str]] = {}
    for document_id, ticket in await session.execute(stmt):
        found.setdefault(document_id, []).append(ticket)
    return {document_id: tuple(tickets) for document_id, tickets in found.items()}


async def list_document_reads(
    session: AsyncSession,
    scope: Scope,
    wanted: AuditFilter,
    *,
    after: Position | None,
    limit: int,
) -> list[DocumentReadRow]:
    """Up to `limit` document_access rows for documents of requests in scope, newest first.

    One row per access even when the document serves several requests (reuse); `tickets`
    lists those the scope covers. With scope None, reads of documents attached to no request
    are listed too (unless a ticket is asked for).
    """
    stmt = select(DocumentAccess)
    if scope is not None or wanted.text:
        stmt = stmt.where(DocumentAccess.document_id.in_(_attached_requests(scope, wanted.text)))
    stmt = _narrowed(
        stmt, DocumentAccess.at, DocumentAccess.id, DocumentAccess.actor, wanted, after, limit
    )
    accesses = list((await session.execute(stmt)).scalars())
    ids = sorted({a.document_id for a in accesses if a.document_id is not None})
    tickets = await _tickets_of(session, scope, ids)
    return [
        DocumentReadRow(
            id=access.id,
            at=access.at,
            actor=access.actor,
            action=access.action,
            reason=access.reason,
            document_id=access.document_id,
            tickets=tickets.get(access.document_id, ()) if access.document_id else (),
        )
        for access in accesses
    ]


async def list_operator_history(
    session: AsyncSession,
    scope: Scope,
    wanted: AuditFilter,
    *,
    after: Position | None,
    limit: int,
) -> list[HistoryRow]:
    """Up to `limit` request_event rows written by operators on requests in scope, newest first."""
    stmt = (
        select(RequestEvent, Request.ticket)
        .join(Request, Request.id == RequestEvent.request_id)
        .where(RequestEvent.actor.startswith(OPERATOR_ACTOR_PREFIX, autoescape=True))
        .where(_office_in(Request.office_id, scope))
    )
    if wanted.text:
        stmt = stmt.where(_ticket_has(wanted.text))
    stmt = _narrowed(
        stmt, RequestEvent.at, RequestEvent.id, RequestEvent.actor, wanted, after, limit
    )
    rows: list[HistoryRow] = []
    for event, ticket in await session.execute(stmt):
        kind = (event.data or {}).get("kind")
        rows.append(
            HistoryRow(
                id=event.id,
                at=event.at,
                actor=event.actor,
                ticket=ticket,
                from_status=event.from_status,
                to_status=event.to_status,
                kind=kind if isinstance(kind, str) else None,
                note=event.note,
            )
        )
    return rows
