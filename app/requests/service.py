"""Rules for requests: submitting, re-submitting after a correction, moving through the statuses."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.requests import repository, routing
from app.requests.models import Request, RequestDocument, RequestEvent
from app.requests.status import RequestStatus, transition_error


class TransitionNotAllowed(Exception):
    """The status machine does not allow this move; the message says why."""


@dataclass(frozen=True)
class AttachedDocument:
    """A locker document to attach to a request for one requirement."""

    requirement: str
    document_id: int
    reused: bool = False


def ticket_prefix(service_code: str, explicit: str | None = None) -> str:
    """Capital letters and digits only, e.g. `ktp` → `KTP`, `akta_kelahiran` → `AKTAKE`."""
    raw = explicit or service_code
    cleaned = re.sub(r"[^A-Z0-9]", "", raw.upper())
    return (cleaned or "REQ")[:6]


async def allocate_ticket(session: AsyncSession, *, prefix: str, today: date) -> str:
    """A new ticket such as `KTP-261122-0042`: prefix, day (YYMMDD) and the day's serial."""
    day = today.strftime("%y%m%d")
    serial = await repository.next_serial(session, prefix=prefix, day=day)
    return f"{prefix}-{day}-{serial:04d}"


async def submit(
    session: AsyncSession,
    *,
    resident_id: int,
    service_code: str,
    variant: str | None,
    fields: Mapping[str, Any],
    documents: Sequence[AttachedDocument],
    language: str,
    office_level: str,
    ticket_prefix_override: str | None,
    due_date: date,
    now: datetime,
    local_today: date,
    warnings: Sequence[str] = (),
    channel: str = "whatsapp",
    origin_office_id: int | None = None,
    actor: str = "resident",
    delivery: str = "pickup",
) -> Request:
    """Create a submitted request with its documents and a first history entry.

    `channel` is "counter" for a request an operator took down at `origin_office_id`. The
    handling office and the pre-checking village come from `routing.route_request`.
    """
    route = await routing.route_request(
        session, level=office_level, fields=fields, origin_office_id=origin_office_id
    )
    request = Request(
        ticket=await allocate_ticket(
            session,
            prefix=ticket_prefix(service_code, ticket_prefix_override),
            today=local_today,
        ),
        service_code=service_code,
        variant=variant,
        resident_id=resident_id,
        office_id=route.office_id,
        precheck_office_id=route.precheck_office_id,
        status=RequestStatus.SUBMITTED.value,
        channel=channel,
        fields=dict(fields),
        delivery=delivery,
        warnings=list(warnings),
        language=language,
        submitted_at=now,
        due_date=due_date,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    await session.flush()
    _attach(session, request, documents, now)
    session.add(
        RequestEvent(
            request_id=request.id,
            at=now,
            actor=actor,
            from_status=None,
            to_status=RequestStatus.SUBMITTED.value,
        )
    )
    await session.flush()
    return request


@dataclass(frozen=True)
class Resubmitted:
    """What a correction changed in the file: documents attached, and documents swapped out."""

    request: Request
    attached: list[AttachedDocument]
    detached: list[int]


async def resubmit(
    session: AsyncSession,
    request: Request,
    *,
    fields: Mapping[str, Any],
    documents: Sequence[AttachedDocument],
    now: datetime,
) -> Resubmitted:
    """The resident answered a correction: update the file and send it back to review.

    `documents` is the whole file as the resident has it now, corrected requirements and the
    untouched ones alike. A document already attached stays as it is (never attached twice);
    for each requirement, a document no longer named is detached: a replaced document is
    swapped, not kept beside its replacement. Requirements not named keep their documents.
    """
    changed = sorted(key for key, value in fields.items() if request.fields.get(key) != value)
    request.fields = {**request.fields, **fields}
    links = list(await repository.documents_of(session, request.id))
    named: dict[str, set[int]] = {}
    for doc in documents:
        named.setdefault(doc.requirement, set()).add(doc.document_id)
    detached = [
        link
        for link in links
        if link.requirement in named and link.document_id not in named[link.requirement]
    ]
    for link in detached:
        await session.delete(link)
    await session.flush()  # the swapped-out rows go before their replacements arrive
    kept = {link.document_id for link in links if link not in detached}
    attached = _attach(session, request, [d for d in documents if d.document_id not in kept], now)
    await transition(
        session,
        request,
        RequestStatus.IN_REVIEW,
        actor="resident",
        note="corrected",
        data={
            "fields": changed,
            "attached": [d.document_id for d in attached],
            "detached": [link.document_id for link in detached],
        },
        now=now,
    )
    return Resubmitted(request, attached, [link.document_id for link in detached])


def transition_error_for(request: Request, target: RequestStatus) -> str | None:
    """Why `request` cannot move to `target` now, or None when it can."""
    return transition_error(
        RequestStatus(request.status), target, digital=request.delivery == "digital"
    )


async def transition(
    session: AsyncSession,
    request: Request,
    target: RequestStatus,
    *,
    actor: str,
    note: str | None = None,
    data: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> RequestEvent:
    """Move `request` to `target` if the status machine allows it, recording who, when and why."""
    now = now or utcnow()
    current = RequestStatus(request.status)
    error = transition_error(current, target, digital=request.delivery == "digital")
    if error is not None:
        raise TransitionNotAllowed(error)
    request.status = target.value
    request.updated_at = now
    if target is RequestStatus.COMPLETED:
        request.completed_at = now
    event = RequestEvent(
        request_id=request.id,
        at=now,
        actor=actor,
        from_status=current.value,
        to_status=target.value,
        note=note,
        data=dict(data or {}),
    )
    session.add(event)
    await session.flush()
    return event


def _attach(
    session: AsyncSession, request: Request, documents: Sequence[AttachedDocument], now: datetime
) -> list[AttachedDocument]:
    """Link `documents` to `request`, each document once (a request holds a file only once)."""
    attached: list[AttachedDocument] = []
    seen: set[int] = set()
    for doc in documents:
        if doc.document_id in seen:
            continue
        seen.add(doc.document_id)
        session.add(
            RequestDocument(
                request_id=request.id,
                document_id=doc.document_id,
                requirement=doc.requirement,
                reused=doc.reused,
                created_at=now,
            )
        )
        attached.append(doc)
    return attached
