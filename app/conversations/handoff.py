"""Hand-offs: a resident talks to an operator instead of the bot.

The engine decides when a conversation is handed off (the resident typed "operator", or failed a
question three times and asked for help) and when the bot takes over again (an `OperatorEvent`
of kind `handoff_ended`, which makes it say "agent.ended", or the resident typing "selesai").
This module keeps the conversation row in step with the engine's snapshot (status, since when,
why), and gives the dashboard its queue of hand-offs, the operator's reply and the end of a
hand-off.

Who sees a hand-off: an operator sees a conversation when the resident has at least one request
the operator's scope covers (the request queue's own rule, `visible`: the handling office or
the pre-checking village). An admin without an office (scope None) sees every hand-off, which
makes them the only ones who see residents with no request at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.bot import messages
from app.conversations.models import Conversation
from app.db import is_postgres
from app.flows.inputs import OperatorEvent
from app.inbox.internal import queue_input
from app.inbox.models import InboundEvent
from app.notifications.catalog import text as notification_text
from app.operators.service import Scope
from app.outbox import delivery
from app.requests import lifecycle
from app.requests.models import Request
from app.requests.visibility import visible
from app.residents.models import Resident

if TYPE_CHECKING:
    from app.runtime import Runtime

HANDOFF = "handoff"
MAX_LISTED = 100
# The waiting template names a ticket; a resident without any request has none to name.
NO_TICKET = "-"


def begin(conversation: Conversation, reason: str, now: datetime) -> None:
    """The engine handed the conversation to an operator: remember since when and why."""
    if conversation.status != HANDOFF or conversation.handoff_at is None:
        conversation.handoff_at = now
        conversation.handoff_reason = reason[:64]
    conversation.status = HANDOFF


def settle(conversation: Conversation) -> None:
    """After a turn: a hand-off the engine ended goes back to what the snapshot implies.

    The snapshot is the truth (the engine clears its `handoff` flag when an operator ends it);
    the row's status follows it: "waiting" while a question has a deadline, "idle" otherwise.
    """
    snapshot = conversation.snapshot or {}
    if conversation.status == HANDOFF and not snapshot.get("handoff"):
        conversation.status = "waiting" if conversation.wait_expires_at else "idle"
        conversation.handoff_at = None
        conversation.handoff_reason = None


@dataclass(frozen=True)
class HandOffItem:
    """One conversation in the hand-off queue, with the resident's latest visible request."""

    conversation: Conversation
    resident: Resident
    request: Request | None


def _seen_by(scope: Scope) -> ColumnElement[bool]:
    """The visibility rule of the module docstring, as a condition on Conversation."""
    if scope is None:
        return Conversation.id.is_not(None)
    return exists().where(Request.resident_id == Conversation.resident_id, visible(scope))


async def latest_request(session: AsyncSession, scope: Scope, resident_id: int) -> Request | None:
    """The resident's newest request that the scope covers."""
    stmt = (
        select(Request)
        .where(Request.resident_id == resident_id, visible(scope))
        .order_by(Request.created_at.desc(), Request.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def visible_handoffs(session: AsyncSession, scope: Scope) -> list[HandOffItem]:
    """The conversations in hand-off the scope sees, the longest waiting first."""
    since = func.coalesce(Conversation.handoff_at, Conversation.updated_at)
    stmt = (
        select(Conversation, Resident)
        .join(Resident, Resident.id == Conversation.resident_id)
        .where(Conversation.status == HANDOFF, _seen_by(scope))
        .order_by(since, Conversation.id)
        .limit(MAX_LISTED)
    )
    rows = (await session.execute(stmt)).all()
    return [
        HandOffItem(conversation, resident, await latest_request(session, scope, resident.id))
        for conversation, resident in rows
    ]


async def find_visible(
    session: AsyncSession, scope: Scope, conversation_id: int, *, for_update: bool = False
) -> tuple[Conversation, Resident] | None:
    """The conversation with this id if the scope sees it (in hand-off or not), else None."""
    stmt = (
        select(Conversation, Resident)
        .join(Resident, Resident.id == Conversation.resident_id)
        .where(Conversation.id == conversation_id, _seen_by(scope))
    )
    if for_update and is_postgres(session):
        stmt = stmt.with_for_update(of=Conversation)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row is not None else None


def end_key(conversation: Conversation) -> str:
    """Names one hand-off: ending it twice (a double click) queues one event."""
    since = conversation.handoff_at.isoformat() if conversation.handoff_at else "unknown"
    return f"handoff_end:{conversation.id}:{since}"


async def end(
    session: AsyncSession,
    conversation: Conversation,
    *,
    actor: str,
    office_id: int | None,
    ip: str | None,
    now: datetime,
) -> bool:
    """Ask the engine to end the hand-off (through the resident's inbox) and audit it.

    The conversation row should be locked by the caller. Returns False, doing nothing, when this
    hand-off's end is already queued. The row itself changes once the engine has run (`settle`).
    """
    key = end_key(conversation)
    queued = await session.scalar(select(exists().where(InboundEvent.dedup_key == f"i:{key}")))
    if queued:
        return False
    queue_input(
        session,
        resident_id=conversation.resident_id,
        key=key,
        item=OperatorEvent(kind="handoff_ended"),
        at=now,
    )
    record(
        session,
        actor=actor,
        action=AuditAction.HANDOFF_ENDED,
        target=f"conversation:{conversation.id}",
        office_id=office_id,
        ip=ip,
        detail={
            "resident_id": conversation.resident_id,
            "since": conversation.handoff_at.isoformat() if conversation.handoff_at else None,
            "reason": conversation.handoff_reason,
        },
        at=now,
    )
    await session.flush()
    return True


async def reply(
    session: AsyncSession,
    *,
    runtime: Runtime,
    conversation: Conversation,
    resident: Resident,
    request: Request | None,
    actor: str,
    text_body: str,
    now: datetime,
) -> str:
    """An operator's message in a hand-off: "sent" inside the window, "held" outside it.

    With a request, it is the request page's reply (same text, same history entry); a resident
    with no request gets the text as written, held behind the waiting template likewise. The
    engine hears that an officer answered, so the hand-off no longer times out back to the bot.
    """
    queue_input(
        session,
        resident_id=conversation.resident_id,
        key=f"handoff_answered:{conversation.id}:{now.isoformat()}",
        item=OperatorEvent(kind="handoff_answered"),
        at=now,
    )
    if request is not None:
        return await lifecycle.send_operator_reply(
            session,
            settings=runtime.settings,
            request=request,
            actor=actor,
            text_body=text_body,
            now=now,
            hold_if_closed=True,
        )
    return await delivery.deliver(
        session,
        settings=runtime.settings,
        resident=resident,
        bodies=messages.text(
            notification_text("operator_message", resident.language, text=text_body)
        ),
        ticket=NO_TICKET,
        now=now,
        origin="operator_reply",
    )
