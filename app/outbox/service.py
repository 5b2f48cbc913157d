"""The outbox's domain operations: write replies with the state change, re-send what was given up.

`enqueue` never commits: the rows join the caller's transaction, so a reply exists exactly when
the state change that caused it does ("nothing is lost", DESIGN.md). The worker in
`app.outbox.sender` picks them up after the commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.flow_messages import flow_token_of
from app.bot.messages import is_status_body
from app.db import utcnow
from app.outbox import repository
from app.outbox.models import DeliveryStatus, OutboundMessage, OutboxState
from app.residents.models import Resident

KIND_READ = "read"
KIND_TYPING = "typing"


class OutboxMessageNotFound(LookupError):
    """No outbound message has that id."""


class NotResendable(ValueError):
    """Only a given-up message, or one Meta reported as failed, can be re-sent."""


def kind_of(body: dict[str, Any]) -> str:
    """A short name for a body: its message `type`, or "read" / "typing" for receipts."""
    if is_status_body(body):
        return KIND_TYPING if "typing_indicator" in body else KIND_READ
    return str(body.get("type") or "message")


async def enqueue(
    session: AsyncSession,
    *,
    resident: Resident,
    bodies: list[dict[str, Any]],
    kind: str | None = None,
    origin: str | None = None,
    caused_by_event_id: int | None = None,
    now: datetime | None = None,
    prompt: str | None = None,
    state: OutboxState = OutboxState.PENDING,
    fallback: dict[str, Any] | None = None,
    hold_on_fallback: bool = False,
) -> list[OutboundMessage]:
    """Add one outbox row per body, in order, in the caller's transaction (no commit).

    Bodies are stored unaddressed (see `app.bot.messages`); `kind` defaults to each body's own
    (`kind_of`). `now` is when they become due; tests with a fixed clock pass theirs. `prompt` is
    the engine's id of the question an interactive body asks (see `prompt_answered`). `state`,
    `fallback` and `hold_on_fallback` are written with the row (setting them after the flush would
    cost one UPDATE per row: see `app.outbox.delivery`).
    """
    for body in bodies:
        if body.get("messaging_product") != "whatsapp":
            raise ValueError("an outbox body must be a Graph API /messages body")
        if "to" in body or "recipient" in body:
            raise ValueError("outbox bodies are stored unaddressed; the worker adds the recipient")
    if resident.id is None:
        await session.flush()  # a resident created in this transaction needs its id first
    due = now or utcnow()
    rows = [
        OutboundMessage(
            resident_id=resident.id,
            kind=kind or kind_of(body),
            body=body,
            state=state,
            attempts=0,
            next_attempt_at=due,
            origin=origin,
            caused_by_event_id=caused_by_event_id,
            created_at=due,
            prompt=prompt,
            fallback=fallback,
            hold_on_fallback=hold_on_fallback,
        )
        for body in bodies
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def prompt_answered(session: AsyncSession, *, resident_id: int, wamid: str) -> str | None:
    """The prompt id of our message `wamid`, which a resident's reply names as its context.

    None when the message is unknown (sent before prompts existed, or never recorded) or asked
    no question (a text, a template): the reply is then read without it.
    """
    return await repository.prompt_of(session, resident_id=resident_id, wamid=wamid)


async def flow_token_answered(session: AsyncSession, *, resident_id: int, wamid: str) -> str | None:
    """The flow_token of our message `wamid` (a Flow form or a FLOW-button template), which a
    form's completion names as its `context.id`; None for any other or an unknown message."""
    for body in await repository.bodies_of(session, resident_id=resident_id, wamid=wamid):
        token = flow_token_of(body)
        if token is not None:
            return token
    return None


async def resend(
    session: AsyncSession, message_id: int, *, now: datetime | None = None
) -> OutboundMessage:
    """Put a given-up (or delivery-failed) message back in line, with its attempts reset.

    It keeps its id, so it goes out before the resident's later pending messages.
    """
    message = await repository.get_message(session, message_id, for_update=True)
    if message is None:
        raise OutboxMessageNotFound(f"outbound message {message_id} does not exist")
    failed_delivery = message.delivery_status == DeliveryStatus.FAILED
    if message.state != OutboxState.GIVEN_UP and not failed_delivery:
        raise NotResendable(
            f"outbound message {message_id} is {message.state}; only given-up or failed "
            "messages can be re-sent"
        )
    message.state = OutboxState.PENDING
    message.attempts = 0
    message.next_attempt_at = now or utcnow()
    message.last_error_code = None
    message.last_error = None
    # A new send gets a new wamid; statuses of the old one no longer concern this row.
    message.wamid = None
    message.delivery_status = None
    message.delivery_updated_at = None
    message.sent_at = None
    await session.flush()
    return message


async def list_given_up(session: AsyncSession, limit: int = 50) -> list[OutboundMessage]:
    """Given-up messages, newest first, for an operator to inspect and re-send."""
    return await repository.list_by_state(session, OutboxState.GIVEN_UP, limit)


async def redact(
    session: AsyncSession,
    message_id: int,
    *,
    body: dict[str, Any],
    fallback: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Replace a finished message's contents with their redacted copy (retention ended).

    The outbox owns its rows; retention decides what is due and hands the redacted copy here.
    """
    await session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id)
        .values(body=body, fallback=fallback, last_error=None, redacted_at=now)
    )
