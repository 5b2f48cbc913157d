"""Reading requests as an operator: filters, cursors, scope, and the rows each edge presents.

The JSON API and the dashboard both list and find requests through here, and each turns the
rows it gets (`ListedRequest`, `RequestInFull`) into its own shape: JSON, or a page.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.flows.catalog import Catalog
from app.offices import repository as offices
from app.offices import service as office_service
from app.operators import repository as operators_repo
from app.operators.service import Scope
from app.requests import listing
from app.requests import repository as requests_repo
from app.requests.listing import Attached, Position, RequestFilter
from app.requests.masking import masked_fields, masked_keys
from app.requests.models import Request, RequestEvent
from app.requests.status import RequestStatus
from app.residents.models import Resident

# A ticket is capital letters, digits and dashes (contract §5); anything else names nothing.
TICKET = re.compile(r"^[A-Z0-9-]{1,40}$")
_PHONE_PUNCTUATION = re.compile(r"[\s().+-]")
_BAD_CURSOR = "invalid cursor: use next_cursor from a previous page"


class InvalidQuery(ValueError):
    """A query parameter cannot be used; `parameter` names it (→ 422)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


@dataclass(frozen=True)
class ListQuery:
    """The list's query parameters as the client sent them."""

    status: str | None = None
    service: str | None = None
    office: str | None = None
    resident: str | None = None
    q: str | None = None
    limit: int = 50
    cursor: str | None = None
    # "me", a username, or "none" (unassigned).
    assigned: str | None = None
    overdue: bool = False
    precheck: bool = False


@dataclass(frozen=True)
class ListedRequest:
    """A request as a list shows it: its rows, the names its codes stand for, and its answers
    masked as `app.requests.masking` says a list must show them."""

    request: Request
    resident: Resident
    fields: dict[str, Any]
    documents: Attached
    office: str | None  # the handling office's code
    assignee: str | None  # the username of the operator holding it


@dataclass(frozen=True)
class RequestInFull(ListedRequest):
    """One request for the operators handling it: answers in full, with its history."""

    history: Sequence[RequestEvent] = ()


@dataclass(frozen=True)
class RequestPage:
    """One page of a list; `next_cursor` continues it (None at the end)."""

    items: list[ListedRequest]
    next_cursor: str | None


def encode_cursor(position: Position) -> str:
    """An opaque cursor for the page after `position`."""
    created_at, request_id = position
    raw = json.dumps([created_at.isoformat(), request_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor stands for; InvalidQuery when it was not made by `encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, request_id = json.loads(raw)
        at = datetime.fromisoformat(created)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidQuery("cursor", _BAD_CURSOR) from None
    if at.tzinfo is None or not isinstance(request_id, int) or isinstance(request_id, bool):
        raise InvalidQuery("cursor", _BAD_CURSOR)
    return at, request_id


def parse_statuses(raw: str | None) -> tuple[str, ...]:
    """`submitted,in_review` → both; empty → () (every status but `collecting`)."""
    names = [part.strip() for part in (raw or "").split(",") if part.strip()]
    known = {s.value for s in RequestStatus}
    unknown = [name for name in names if name not in known]
    if unknown:
        allowed = ", ".join(s.value for s in RequestStatus)
        raise InvalidQuery("status", f"unknown status {unknown[0]!r}: use {allowed}")
    return tuple(dict.fromkeys(names))


def search_digits(text: str) -> str | None:
    """The search text as bare digits (a phone or NIK typed with spaces or dashes), if it is one."""
    compact = _PHONE_PUNCTUATION.sub("", text)
    return compact if compact.isdigit() else None


def _storable(parameter: str, value: str | None) -> str | None:
    """`value`, unless it holds a NUL, which PostgreSQL cannot compare (InvalidQuery)."""
    if value and "\x00" in value:
        raise InvalidQuery(parameter, "a filter cannot hold a NUL character")
    return value


def search_filter(
    catalog: Catalog, *, status: str | None, service: str | None, q: str | None
) -> RequestFilter:
    """The filters every request list shares (the API, the queue, the export): statuses, service
    and the search text, read the same way everywhere. InvalidQuery when one cannot be used."""
    text = (_storable("q", q) or "").strip() or None
    return RequestFilter(
        statuses=parse_statuses(_storable("status", status)),
        service=_storable("service", service) or None,
        text=text,
        digits=search_digits(text) if text else None,
        nik_keys=catalog.nik_field_keys(),
    )


async def _office_filter(session: AsyncSession, code: str | None) -> frozenset[int] | None:
    """The office and everything under it; an unknown code matches nothing."""
    if code is None:
        return None
    office = await office_service.get_by_code(session, code)
    if office is None:
        return frozenset()
    return frozenset(await office_service.descendants(session, office.id))


async def _assignee_filter(
    session: AsyncSession, assigned: str | None, viewer_id: int | None
) -> int | None:
    """The operator id the `assigned` filter names: 0 for "none", None for no filter."""
    if not assigned:
        return None
    if assigned == "none":
        return 0
    if assigned == "me":
        if viewer_id is None:
            raise InvalidQuery("assigned", "'me' needs a signed-in operator")
        return viewer_id
    operator = await operators_repo.get_by_username(session, assigned.lower())
    if operator is None:
        raise InvalidQuery("assigned", f"unknown operator {assigned!r}: use me, none or a username")
    return operator.id


async def list_page(
    session: AsyncSession,
    catalog: Catalog,
    scope: Scope,
    query: ListQuery,
    *,
    viewer_id: int | None = None,
    today: date | None = None,
) -> RequestPage:
    """One page of the requests the scope covers, newest first, answers masked.

    `viewer_id` resolves `assigned=me`; `today` (the office's local date) is when `overdue` counts.
    """
    after = decode_cursor(query.cursor) if query.cursor else None
    wanted = replace(
        search_filter(catalog, status=query.status, service=query.service, q=query.q),
        offices=await _office_filter(session, _storable("office", query.office) or None),
        resident=_storable("resident", query.resident) or None,
        assigned_to=await _assignee_filter(
            session, _storable("assigned", query.assigned), viewer_id
        ),
        overdue_on=(today or utcnow().date()) if query.overdue else None,
        awaiting_precheck=query.precheck,
    )
    rows = await listing.list_requests(session, scope, wanted, after=after, limit=query.limit + 1)
    page, more = rows[: query.limit], len(rows) > query.limit
    attached = await listing.attached_documents(session, [request.id for request, _ in page])
    codes = await offices.codes_by_id(
        session, sorted({r.office_id for r, _ in page if r.office_id is not None})
    )
    names = await operators_repo.usernames_by_id(
        session, sorted({r.assigned_operator_id for r, _ in page if r.assigned_operator_id})
    )
    items = [
        ListedRequest(
            request=request,
            resident=resident,
            fields=masked_fields(request.fields or {}, masked_keys(catalog, request.service_code)),
            documents=attached.get(request.id, []),
            office=codes.get(request.office_id) if request.office_id is not None else None,
            assignee=names.get(request.assigned_operator_id or 0),
        )
        for request, resident in page
    ]
    last = page[-1][0] if page else None
    cursor = encode_cursor((last.created_at, last.id)) if more and last is not None else None
    return RequestPage(items=items, next_cursor=cursor)


async def find_request(
    session: AsyncSession, scope: Scope, ticket: str, *, for_update: bool = False
) -> tuple[Request, Resident] | None:
    """The visible request with this ticket; None for a malformed, unknown or hidden ticket."""
    if not TICKET.match(ticket):
        return None
    return await listing.visible_request(session, scope, ticket, for_update=for_update)


def handles(scope: Scope, request: Request) -> bool:
    """True when the scope covers the request's handling office, not only its pre-check.

    A village that pre-checks a district's request may read it, note on it and forward it, but
    only the handling office moves it through the statuses or writes to the resident.
    """
    return scope is None or (request.office_id is not None and request.office_id in scope)


async def request_in_full(
    session: AsyncSession, request: Request, resident: Resident
) -> RequestInFull:
    """The single request with everything about it, read fresh (after any change made in this
    session). Its answers are not masked: an operator checks them here."""
    await session.flush()
    attached = await listing.attached_documents(session, [request.id])
    office = await offices.get(session, request.office_id) if request.office_id else None
    history = await requests_repo.history_of(session, request.id)
    assignee = request.assigned_operator_id
    names = await operators_repo.usernames_by_id(session, [assignee] if assignee else [])
    return RequestInFull(
        request=request,
        resident=resident,
        fields=dict(request.fields or {}),
        documents=attached.get(request.id, []),
        office=office.code if office is not None else None,
        assignee=names.get(assignee or 0),
        history=history,
    )
