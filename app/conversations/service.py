"""Orchestration (the mailroom's role): one inbox event → one engine turn → committed effects.

The processing worker calls the handler built here inside its transaction. The handler loads the
resident's session snapshot, runs the pure engine, applies the events it returns (outbox rows,
requests, media jobs) and saves the new snapshot. Everything commits together with the event's
`processed_at`, so a reply is never sent for a turn that was not saved, and a turn is never run
twice.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.inbound import to_engine_input
from app.config import Settings
from app.conversations import (
    albums,
    effects,
    form_replies,
    handoff,
    handoff_audit,
    renewal_forms,
    replies,
)
from app.conversations.context import build_context
from app.conversations.models import Conversation
from app.db import utcnow
from app.flows.catalog import Catalog
from app.flows.engine import Engine
from app.flows.inputs import ChoiceInput, FormSubmitted, Input, MediaInput, parse_input
from app.inbox.models import KIND_INTERNAL, KIND_MESSAGE, KIND_STATUS, InboundEvent
from app.inbox.processor import EventHandler
from app.outbox import delivery
from app.outbox.statuses import apply_status
from app.requests.issued_send import complete_on_delivery
from app.residents.models import Resident
from app.whatsapp_flows import offer as form_offer

if TYPE_CHECKING:
    from app.runtime import Runtime

log = structlog.get_logger(__name__)

# Follow-up inputs a turn may produce (SubmissionAccepted after SubmitRequest): a small bound.
MAX_FOLLOW_UPS = 4


class ConversationService:
    """Runs engine turns for residents and applies their effects in the caller's transaction."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        timezone: ZoneInfo,
        office_name: str,
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.catalog = catalog
        self.settings = settings
        self.timezone = timezone
        self.clock = clock
        self.engine = Engine(
            catalog,
            clock=clock,
            new_id=new_id,
            timezone=timezone,
            office_name=office_name,
            handoff_timeout_hours=settings.handoff_timeout_hours or None,
        )

    async def handle_event(self, session: AsyncSession, event: InboundEvent) -> None:
        """The processing worker's handler: statuses update deliveries, the rest are turns."""
        if event.kind == KIND_STATUS:
            status = event.payload.get("status") or {}
            word = str(status.get("status") or "")
            changed = await apply_status(
                session,
                wamid=event.external_id,
                status=word,
                timestamp=event.occurred_at,
                errors=status.get("errors") or [],
            )
            if changed:  # an issued PDF that reached the resident completes its request
                await complete_on_delivery(
                    session,
                    catalog=self.catalog,
                    settings=self.settings,
                    wamid=event.external_id,
                    status=word,
                    now=self.clock(),
                )
            return
        resident = await session.get(Resident, event.resident_id)
        if resident is None:
            return
        if event.kind == KIND_MESSAGE:
            message = event.payload.get("message") or {}
            # Whatever they wrote, the resident is back in the window: send what was held.
            released = await delivery.release_held(
                session, resident_id=resident.id, now=self.clock()
            )
            # Mark it read first: the blue ticks tell the resident we got it, even before a reply.
            await delivery.mark_read(
                session, resident=resident, wamid=event.external_id, caused_by_event_id=event.id
            )
            item = to_engine_input(message)
            if isinstance(item, FormSubmitted):
                # A completed form is an answer even when it also re-opened the window.
                form = await form_replies.with_reply_token(
                    session, resident_id=resident.id, message=message, item=item
                )
                form = renewal_forms.with_renewal(
                    self.settings, resident_id=resident.id, item=form, now=self.clock()
                )
                await self.run_turn(session, resident, form, event_id=event.id)
                return
            if released.conversation and await _awaits_answer(session, resident.id):
                return  # the question is among the released messages: this is no answer to it
            if isinstance(item, ChoiceInput) and item.id == delivery.READ_HELD_PAYLOAD:
                return  # "Read message" on the waiting template: releasing was the answer
            item = await replies.with_prompt(
                session, resident_id=resident.id, message=message, item=item
            )
            if isinstance(item, MediaInput):
                item = replace(item, group_hint=await albums.group_of(session, event))
            await self.run_turn(session, resident, item, event_id=event.id)
        elif event.kind == KIND_INTERNAL:
            await self.run_turn(
                session, resident, parse_input(event.payload["input"]), event_id=event.id
            )

    async def run_turn(
        self, session: AsyncSession, resident: Resident, item: Input, *, event_id: int | None
    ) -> None:
        """Run the engine on one input (and its follow-ups) and apply what it asks for."""
        conversation = await _conversation_of(session, resident.id)
        now = self.clock()
        pending: list[Input] = [item]
        rounds = 0
        while pending and rounds <= MAX_FOLLOW_UPS:
            rounds += 1
            context = await build_context(session, resident, now=now, settings=self.settings)
            forms = form_offer.available_forms(self.settings, self.catalog, resident.language)
            context = replace(context, forms=forms)
            before, current = conversation.snapshot or {}, pending.pop(0)
            step = self.engine.handle(before or None, current, context)
            # Every field of the row set before the effects' first flush: one UPDATE per turn.
            conversation.snapshot = step.snapshot
            conversation.updated_at = now
            await handoff_audit.record_ending(
                session, conversation, before=before, after=step.snapshot, item=current, now=now
            )
            outcome = await effects.apply(
                session,
                effects.TurnScope(
                    resident=resident,
                    conversation=conversation,
                    catalog=self.catalog,
                    timezone=self.timezone,
                    settings=self.settings,
                    now=now,
                    event_id=event_id,
                ),
                step.events,
            )
            pending.extend(outcome.follow_ups)
        if pending:
            log.error("turn produced too many follow-ups", left=len(pending))
        handoff.settle(conversation)  # an ended hand-off goes back to idle/waiting


async def _conversation_of(session: AsyncSession, resident_id: int) -> Conversation:
    stmt = _conversation_statement()
    conversation = (await session.execute(stmt, {"resident_id": resident_id})).scalar_one_or_none()
    if conversation is None:
        conversation = Conversation(resident_id=resident_id, snapshot={}, status="idle")
        session.add(conversation)
        await session.flush()
    return conversation


@functools.cache
def _conversation_statement() -> Select[Conversation]:
    """Built once (it runs on every step), executed with parameters."""
    return select(Conversation).where(Conversation.resident_id == bindparam("resident_id"))


async def _awaits_answer(session: AsyncSession, resident_id: int) -> bool:
    """True when the engine waits for the resident to answer a question.

    Called when a message released held conversation messages: they end with that question,
    which the resident is only now shown, so the message that re-opened Meta's window (often
    "iya ada apa?" to the waiting template) cannot be its answer. The released messages are the
    whole reply; the resident's next message answers.
    """
    snapshot = (await _conversation_of(session, resident_id)).snapshot or {}
    return snapshot.get("awaiting") is not None and not snapshot.get("handoff")


def build_event_handler(runtime: Runtime) -> EventHandler:
    """The processing worker's handler for this process's settings and catalog."""
    settings = runtime.settings
    service = ConversationService(
        runtime.catalog, timezone=settings.tz, office_name=settings.office_name, settings=settings
    )
    return service.handle_event
