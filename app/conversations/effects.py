"""Apply the engine's events in the caller's transaction: replies, requests, media jobs, state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.config import Settings
from app.conversations import handoff
from app.conversations.issued_resend import resend_issued
from app.conversations.models import Conversation
from app.conversations.pickup_proxy import apply_pickup_proxy
from app.feedback import service as feedback
from app.flows import events as ev
from app.flows.catalog import Catalog
from app.flows.inputs import Input, SubmissionAccepted
from app.intake import service as intake
from app.memory import service as memory
from app.outbox import delivery
from app.requests import delivery_way
from app.requests import repository as requests_repo
from app.requests import service as requests
from app.requests.calendar import promised_date
from app.requests.models import DELIVERY_ADDRESS_KEY
from app.requests.status import RequestStatus
from app.residents.models import Resident
from app.whatsapp_flows import offer as form_offer

log = structlog.get_logger(__name__)


@dataclass
class TurnScope:
    """Who and what a turn is about."""

    resident: Resident
    conversation: Conversation
    catalog: Catalog
    timezone: ZoneInfo
    settings: Settings
    now: datetime
    event_id: int | None


@dataclass
class Outcome:
    """Inputs the engine must hear next in the same turn (for example the new ticket)."""

    follow_ups: list[Input] = field(default_factory=list)


async def apply(session: AsyncSession, scope: TurnScope, events: list[ev.Event]) -> Outcome:
    """Carry out `events` in order; nothing here talks to the network."""
    outcome = Outcome()
    # The deadline first too: the first outbox row's flush then writes the conversation row
    # once, not once for the snapshot and again for the deadline. Set again in its place below,
    # it changes nothing unless an event before it did.
    for event in events:
        if isinstance(event, ev.WaitUntil):
            _wait_until(scope.conversation, event)
    for event in _form_first_when_closed(scope, events):
        if isinstance(event, ev.SendText | ev.SendButtons | ev.SendList):
            await _send(session, scope, event)
        elif isinstance(event, ev.OfferForm):
            await form_offer.send_form(
                session,
                settings=scope.settings,
                catalog=scope.catalog,
                resident=scope.resident,
                offer=event,
                now=scope.now,
                caused_by_event_id=scope.event_id,
            )
        elif isinstance(event, ev.StoreMedia):
            await intake.request_media(
                session,
                resident_id=scope.resident.id,
                requirement=event.requirement,
                media_id=event.media_id,
                mime_type=event.mime_type,
                sha256=event.sha256,
                filename=event.filename,
                now=scope.now,
                service_code=event.service,
            )
        elif isinstance(event, ev.ReuseDocument):
            await intake.record_reuse_consent(
                session, resident_id=scope.resident.id, document_id=event.document_id, now=scope.now
            )
        elif isinstance(event, ev.SubmitRequest):
            outcome.follow_ups.append(await _submit(session, scope, event))
        elif isinstance(event, ev.CancelRequest):
            await _cancel(session, scope, event)
        elif isinstance(event, ev.HandOff):
            handoff.begin(scope.conversation, event.reason, scope.now)
            log.info("conversation handed to an operator", reason=event.reason)
        elif isinstance(event, ev.LanguageChanged):
            scope.resident.language = event.language
        elif isinstance(event, ev.WaitUntil):
            _wait_until(scope.conversation, event)  # again in order: after an expiry, say
        elif isinstance(event, ev.ConversationExpired):
            scope.conversation.status = "expired"
            scope.conversation.wait_expires_at = None
        elif isinstance(event, ev.Failure):
            log.error("conversation engine failure", reason=event.reason)
        elif isinstance(event, ev.SurveyAnswered):
            await feedback.record_survey(
                session,
                resident_id=scope.resident.id,
                ticket=event.ticket,
                scores=event.scores,
                now=scope.now,
            )
        elif isinstance(event, ev.MemoryConsent | ev.Remember | ev.ForgetMemory):
            await memory.apply(session, scope.resident.id, event, scope.now)
        elif isinstance(event, ev.ResendIssued):
            await resend_issued(
                session,
                resident=scope.resident,
                event=event,
                catalog=scope.catalog,
                settings=scope.settings,
                now=scope.now,
                caused_by_event_id=scope.event_id,
            )
        elif isinstance(event, ev.ChangeDelivery):
            await delivery_way.change_delivery(
                session,
                catalog=scope.catalog,
                resident_id=scope.resident.id,
                ticket=event.ticket,
                way=event.way,
                address=event.address,
                actor="resident",
                now=scope.now,
            )
        elif isinstance(event, ev.PickupProxy):
            await apply_pickup_proxy(
                session,
                resident=scope.resident,
                event=event,
                catalog=scope.catalog,
                now=scope.now,
            )
        elif isinstance(event, ev.ComplaintFiled):
            await feedback.file_complaint(
                session,
                resident_id=scope.resident.id,
                text=event.text,
                ticket=event.ticket,
                now=scope.now,
            )
    return outcome


def _wait_until(conversation: Conversation, event: ev.WaitUntil) -> None:
    conversation.wait_expires_at = event.deadline
    if conversation.status != "handoff":
        conversation.status = "waiting" if event.deadline else "idle"


def _form_first_when_closed(scope: TurnScope, events: list[ev.Event]) -> list[ev.Event]:
    """Outside the window a form's template goes first: it then invites the resident to what
    the turn holds (the correction's words, the first question) instead of a second template."""
    offers = [event for event in events if isinstance(event, ev.OfferForm)]
    if not offers or delivery.window_open(scope.resident, scope.now, scope.settings):
        return events
    return [*offers, *(event for event in events if not isinstance(event, ev.OfferForm))]


async def _send(
    session: AsyncSession, scope: TurnScope, event: ev.SendText | ev.SendButtons | ev.SendList
) -> None:
    bodies: list[dict[str, Any]]
    prompt = None if isinstance(event, ev.SendText) else event.prompt
    if isinstance(event, ev.SendText):
        bodies, kind = messages.text(event.text), "text"
    elif isinstance(event, ev.SendButtons):
        choices = [messages.Button(id=b.id, title=b.title) for b in event.buttons]
        bodies, kind = [messages.buttons(event.body, choices)], "buttons"
    else:
        rows = [
            messages.Row(id=r.id, title=r.title, description=r.description or None)
            for r in event.rows
        ]
        bodies, kind = [messages.list_message(event.body, event.button_label, rows)], "list"
    # A turn the resident did not start (a correction request, a document verdict after a long
    # download) may fall outside Meta's window: delivery then holds it behind the waiting template.
    await delivery.deliver(
        session,
        settings=scope.settings,
        resident=scope.resident,
        bodies=bodies,
        ticket=_ticket_in_progress(scope),
        now=scope.now,
        origin=delivery.ORIGIN_CONVERSATION,
        kind=kind,
        prompt=prompt,
        caused_by_event_id=scope.event_id,
    )


def _ticket_in_progress(scope: TurnScope) -> str:
    draft = scope.conversation.snapshot.get("draft") if scope.conversation.snapshot else None
    ticket = draft.get("ticket") if isinstance(draft, dict) else None
    return str(ticket) if ticket else "-"


async def _submit(
    session: AsyncSession, scope: TurnScope, event: ev.SubmitRequest
) -> SubmissionAccepted:
    service = scope.catalog.get(event.service)
    documents = await intake.attachments(
        session, resident_id=scope.resident.id, documents=event.documents
    )
    warnings = [f"{key}: {code}" for key, codes in event.warnings.items() for code in codes]
    if event.ticket:
        existing = await requests_repo.get_by_ticket(session, event.ticket)
        if existing is not None and existing.resident_id == scope.resident.id:
            changed = await requests.resubmit(
                session, existing, fields=event.fields, documents=documents, now=scope.now
            )
            await intake.bind_to_request(
                session, documents=changed.attached, ticket=existing.ticket
            )
            await intake.unbind_from_request(
                session, document_ids=changed.detached, ticket=existing.ticket, now=scope.now
            )
            return SubmissionAccepted(
                ticket=existing.ticket,
                due_date=existing.due_date or scope.now.astimezone(scope.timezone).date(),
            )
        log.warning("correction for an unknown ticket; submitting anew", ticket=event.ticket)
    today = scope.now.astimezone(scope.timezone).date()
    due = promised_date(scope.settings, scope.now, service.service_days)
    request = await requests.submit(
        session,
        resident_id=scope.resident.id,
        service_code=service.code,
        variant=event.variant,
        fields=_with_address(event),
        documents=documents,
        language=event.language,
        office_level=service.office_level,
        ticket_prefix_override=service.ticket_prefix,
        due_date=due,
        now=scope.now,
        local_today=today,
        warnings=warnings,
        delivery=event.delivery,
    )
    await intake.bind_to_request(session, documents=documents, ticket=request.ticket)
    return SubmissionAccepted(ticket=request.ticket, due_date=due)


def _with_address(event: ev.SubmitRequest) -> dict[str, Any]:
    """The answers, with where to deliver when the resident gave it for home delivery."""
    if event.delivery_address:
        return {**event.fields, DELIVERY_ADDRESS_KEY: event.delivery_address}
    return dict(event.fields)


async def _cancel(session: AsyncSession, scope: TurnScope, event: ev.CancelRequest) -> None:
    if event.ticket is None:
        return  # an unsubmitted draft lives only in the snapshot, which the engine already cleared
    request = await requests_repo.get_by_ticket(session, event.ticket)
    if request is None or request.resident_id != scope.resident.id:
        log.warning("cancel for an unknown ticket", ticket=event.ticket)
        return
    try:
        await requests.transition(
            session, request, RequestStatus.CANCELLED, actor="resident", now=scope.now
        )
    except requests.TransitionNotAllowed as exc:
        log.info("cancel refused", ticket=event.ticket, reason=str(exc))
