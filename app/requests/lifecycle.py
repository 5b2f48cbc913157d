"""Operator actions on a request, and the message each one sends the resident (contract §6).

`apply_transition` validates what the move needs (the documents or fields to correct, a rejection
reason, the pickup code), moves the request through the status machine, and queues the resident's
message in the same transaction: free-form inside Meta's 24-hour window, an approved template
outside it (or when Meta answers 131047). A correction goes through the conversation engine, which
then asks for exactly the named documents and fields and re-submits the file.

The note of a move is for the resident, on every move: it is the reason of a rejection, the
"Catatan petugas" line of a correction request, and the same line at the end of every other
status message. The approved templates have no room for it, so when only a template can go out
the full message is held too (with the "message waiting" invitation) and the resident reads the
note as soon as they answer. Notes for colleagues are internal notes (`app.requests.work`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import locker
from app.audit.service import AuditAction, record
from app.bot import messages
from app.config import Settings
from app.flows.catalog import Catalog
from app.flows.inputs import OperatorEvent, SurveyStart
from app.inbox.internal import queue_input
from app.notifications.catalog import text
from app.offices.models import Office
from app.outbox import delivery
from app.requests import home_delivery, pickup_qr, pickup_reminders, proxy, repository
from app.requests import service as requests
from app.requests.handover import (
    OVERRIDDEN,
    InvalidTransitionInput,
    PickupCodeMismatch,
    check_code,
    is_pickup_code,
    new_code,
)
from app.requests.issued_models import IssuedDocument
from app.requests.models import Request, RequestEvent
from app.requests.status import FINAL, RequestStatus
from app.residents.models import Resident

S = RequestStatus
DEFAULT_HOURS = "Senin–Jumat 08.00–15.00"


# The handover code's errors and check live in `app.requests.handover`; callers find them here.
__all__ = [
    "DEFAULT_HOURS",
    "InvalidTransitionInput",
    "PickupCodeMismatch",
    "WindowClosed",
    "apply_transition",
    "is_pickup_code",
    "send_operator_reply",
]

# An operator's reply the window refuses (the outbox decides; callers catch it here).
WindowClosed = delivery.WindowClosed
# A completion without the code, by how the handover was confirmed: the audit action it records.
OVERRIDES = {
    "pickup_code": AuditAction.PICKUP_OVERRIDE,
    "delivery_code": AuditAction.DELIVERY_OVERRIDE,
}


async def apply_transition(
    session: AsyncSession,
    *,
    catalog: Catalog,
    settings: Settings,
    request: Request,
    to: RequestStatus,
    actor: str,
    note: str | None,
    documents: Sequence[int] = (),
    fields: Sequence[str] = (),
    pickup_place: str | None = None,
    pickup_hours: str | None = None,
    code: str | None = None,
    courier: home_delivery.Courier | None = None,
    now: datetime,
    override_code: bool = False,
    collected_by: str | None = None,
) -> RequestEvent:
    """Move `request` to `to` for an operator and tell the resident (through `app.outbox`).

    `courier` is who delivers (`out_for_delivery`); `code` is the one-time code that completes a
    pickup or a delivery, unless `override_code` (audited) completes it without. `collected_by`
    ("resident" or "proxy") records who collected a pickup (`app.requests.proxy`).
    """
    error = requests.transition_error_for(request, to)
    if error is not None:
        raise requests.TransitionNotAllowed(error)
    data: dict[str, object] = {}
    pickup_code: str | None = None
    if to is S.NEEDS_CORRECTION:
        data = await _correction(session, catalog, request, documents, fields)
    elif to is S.REJECTED and not (note and note.strip()):
        raise InvalidTransitionInput("a rejection needs the reason in `note`")
    elif to is S.READY_FOR_PICKUP:
        office = await session.get(Office, request.office_id) if request.office_id else None
        request.pickup_place = pickup_place or (office.address or office.name if office else None)
        request.pickup_hours = pickup_hours or (office.hours if office else None) or DEFAULT_HOURS
        if not request.pickup_place:
            raise InvalidTransitionInput("say where to collect: `pickup.place`")
        pickup_code = new_code(request)
        data = {"place": request.pickup_place, "hours": request.pickup_hours}
    elif to is S.OUT_FOR_DELIVERY:
        pickup_code, data = home_delivery.send_out(request, courier)
    elif to is S.COMPLETED and request.status == S.READY_FOR_PICKUP:
        collector = proxy.collected_by(request, collected_by)
        if collector is None:
            raise InvalidTransitionInput("`collected_by`: `resident`, or `proxy` when one is named")
        checked = check_code(request, code, override_code, what="pickup")
        data = {"pickup_code": checked, "collected_by": collector}
    elif to is S.COMPLETED and request.status == S.OUT_FOR_DELIVERY:
        data = home_delivery.confirm(request, code, override_code)
    elif to is S.COMPLETED and request.status == S.PROCESSING:
        # A digital request completes when its issued PDF reached the resident's chat.
        if (
            await session.scalar(
                select(IssuedDocument.id).where(IssuedDocument.request_id == request.id)
            )
            is None
        ):
            raise InvalidTransitionInput("upload the issued PDF first: it is sent to the resident")
        data = {"delivery": "digital"}
    was_ready = request.status == S.READY_FOR_PICKUP
    event = await requests.transition(
        session, request, to, actor=actor, note=note, data=data, now=now
    )
    for key, action in OVERRIDES.items():
        if data.get(key) == OVERRIDDEN:
            record(
                session,
                actor=actor,
                action=action,
                target=request.ticket,
                office_id=request.office_id,
                detail={"note": note},
                at=now,
            )
    # Entering `ready_for_pickup` schedules the uncollected-pickup reminder; leaving clears it.
    pickup_reminders.track(request, settings, now)
    if was_ready:  # a QR image still waiting for the window shows a code no longer valid
        await pickup_qr.withdraw(session, resident_id=request.resident_id, ticket=request.ticket)
    await _tell_resident(session, catalog, settings, request, to, note, pickup_code, data, now)
    if to in FINAL:
        await locker.release_request(session, request.ticket, now)
    return event


async def _correction(
    session: AsyncSession,
    catalog: Catalog,
    request: Request,
    documents: Sequence[int],
    fields: Sequence[str],
) -> dict[str, object]:
    if not documents and not fields:
        raise InvalidTransitionInput("name the `documents` or `fields` the resident must correct")
    attached = {
        link.document_id: link.requirement
        for link in await repository.documents_of(session, request.id)
    }
    unknown_docs = [d for d in documents if d not in attached]
    if unknown_docs:
        raise InvalidTransitionInput(f"documents not in this request: {unknown_docs}")
    service = catalog.services.get(request.service_code)
    known_fields = {f.key for f in service.fields} if service else set()
    unknown_fields = [f for f in fields if f not in known_fields]
    if unknown_fields:
        raise InvalidTransitionInput(f"fields not in this service: {unknown_fields}")
    return {
        "documents": list(documents),
        "requirements": sorted({attached[d] for d in documents}),
        "fields": list(fields),
    }


async def _tell_resident(
    session: AsyncSession,
    catalog: Catalog,
    settings: Settings,
    request: Request,
    to: RequestStatus,
    note: str | None,
    pickup_code: str | None,
    data: dict[str, object],
    now: datetime,
) -> None:
    resident = await session.get(Resident, request.resident_id)
    if resident is None:
        return
    if to is S.NEEDS_CORRECTION:
        _queue_engine_input(session, request, resident, data, note, now)
        return
    service = catalog.services.get(request.service_code)
    language = resident.language
    name = service.names.get(language) if service else request.service_code
    values = {"ticket": request.ticket, "service": name}
    # A rejection's note is its reason, already in the message; any other note is one more line.
    note = (note or "").strip() or None
    note_line = text("note_line", language, note=note) if note and to is not S.REJECTED else ""
    template: tuple[str, dict[str, str]] | None = None
    if to is S.READY_FOR_PICKUP:
        assert pickup_code is not None
        bring = service.pickup.get(language) if service else ""
        values |= {
            "place": request.pickup_place or "",
            "hours": request.pickup_hours or "",
            "code": pickup_code,
            "bring": text("bring", language, items=bring) if bring else "",
            "proxy_line": proxy.line(request, language),
        }
        template = ("loket_siap_diambil", values)
    elif to is S.OUT_FOR_DELIVERY:
        assert pickup_code is not None
        values |= home_delivery.resident_values(request, service, language, pickup_code)
        template = ("loket_diantar", values)
    elif to is S.COMPLETED:
        template = ("loket_selesai", values)
    elif to is S.REJECTED:
        values["reason"] = note or ""
        template = ("loket_ditolak", values)
    elif to is S.CANCELLED:
        values["reason_line"] = text("reason_line", language, reason=note) if note else ""
    elif to not in (S.IN_REVIEW, S.PROCESSING):
        return
    await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(text(to.value, language, note_line=note_line, **values)),
        ticket=request.ticket,
        now=now,
        origin=f"status:{to.value}",
        template=template,
        keep_message=bool(note_line),
    )
    if to is S.READY_FOR_PICKUP and pickup_code is not None:
        await pickup_qr.send_qr(
            session, settings=settings, resident=resident, ticket=request.ticket,
            code=pickup_code, now=now,
        )  # fmt: skip
    if to is S.COMPLETED:
        _queue_survey(session, request, resident, now)


def _queue_engine_input(
    session: AsyncSession,
    request: Request,
    resident: Resident,
    data: dict[str, object],
    note: str | None,
    now: datetime,
) -> None:
    """The engine asks for exactly what the operator named; it runs in the resident's queue."""
    operator_event = OperatorEvent(
        kind="correction_needed",
        documents=[str(r) for r in _strings(data.get("requirements"))],
        fields=[str(f) for f in _strings(data.get("fields"))],
        note=note,
        ticket=request.ticket,
        service=request.service_code,
    )
    key = f"correction:{request.ticket}:{now.isoformat()}"
    queue_input(session, resident_id=resident.id, key=key, item=operator_event, at=now)


def _queue_survey(
    session: AsyncSession, request: Request, resident: Resident, now: datetime
) -> None:
    """After `completed`, the engine offers the IKM survey in the resident's queue (once)."""
    start = SurveyStart(ticket=request.ticket, service=request.service_code)
    queue_input(
        session, resident_id=resident.id, key=f"survey:{request.ticket}", item=start, at=now
    )


def _strings(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


async def send_operator_reply(
    session: AsyncSession,
    *,
    settings: Settings,
    request: Request,
    actor: str,
    text_body: str,
    now: datetime,
    hold_if_closed: bool = False,
) -> str:
    """An operator's free-text reply: "sent" inside the window, "held" (with a template) outside.

    Outside the window it raises `WindowClosed` unless `hold_if_closed` says to hold it.
    """
    resident = await session.get(Resident, request.resident_id)
    assert resident is not None
    body = text("operator_reply", resident.language, ticket=request.ticket, text=text_body)
    outcome = await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(body),
        ticket=request.ticket,
        now=now,
        origin="operator_reply",
        may_hold=hold_if_closed,
    )
    session.add(
        RequestEvent(
            request_id=request.id,
            at=now,
            actor=actor,
            note=text_body,
            data={"message": outcome},
        )
    )
    await session.flush()
    return outcome
