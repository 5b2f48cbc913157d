"""Delivery within Meta's 24-hour rule: the one place that decides how a message reaches a resident.

Inside the customer-service window a message goes out free-form, carrying the approved template to
send instead should Meta answer 131047 (our clock of the window is only an estimate). Outside it,
a message with its own template sends that template; anything else is *held*, and one "a message
is waiting — tap to read" template invites the resident; held messages are released as soon as the
resident writes again. Every outbox row written outside `app.outbox` is written here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import structlog
from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate

from app.bot import messages
from app.config import Settings
from app.notifications.catalog import templates
from app.outbox import repository, retry
from app.outbox.models import ORIGIN_WAITING, OutboundMessage, OutboxState
from app.outbox.service import KIND_READ, enqueue
from app.residents.models import Resident

log = structlog.get_logger(__name__)

WAITING_TEMPLATE = "loket_pesan_menunggu"
# The quick-reply payload of the waiting template: tapping it releases the held messages.
READ_HELD_PAYLOAD = "held:read"
# The origin of what the conversation engine says (`app.conversations.effects`).
ORIGIN_CONVERSATION = "conversation"

# How a message went out: free-form, its template instead, or held behind the invitation.
Outcome = Literal["sent", "template", "held"]


class WindowClosed(Exception):
    """A message that may not be held cannot go out: the window is closed and it has no template."""


def window_open(resident: Resident, now: datetime, settings: Settings) -> bool:
    """True while Meta allows free-form messages: the resident wrote within the window."""
    if settings.service_window_hours == 0 or resident.last_inbound_at is None:
        return False
    return now - resident.last_inbound_at < timedelta(hours=settings.service_window_hours)


def template_body(name: str, language: str, values: dict[str, str]) -> dict[str, Any]:
    """The Graph API body of the approved template `name` with `values` filled in."""
    return templates()[name].body(language, values)


async def deliver(
    session: AsyncSession,
    *,
    settings: Settings,
    resident: Resident,
    bodies: list[dict[str, Any]],
    ticket: str,
    now: datetime,
    origin: str,
    template: tuple[str, dict[str, str]] | None = None,
    keep_message: bool = False,
    may_hold: bool = True,
    kind: str | None = None,
    prompt: str | None = None,
    caused_by_event_id: int | None = None,
) -> Outcome:
    """Send `bodies` to the resident as the window allows; returns how they went out.

    `template` is the approved template (name, values) that may stand in for the message;
    `ticket` names the request in the "message waiting" invitation. `keep_message` says the
    message holds more than its template (an operator's note): when the template has to go
    instead, the message is held as well, to be read when the resident answers. Without
    `may_hold` a message with no template raises `WindowClosed` outside the window. `kind`,
    `prompt` and `caused_by_event_id` describe a conversation turn's reply; a held message keeps
    only its prompt, since it goes out when the resident's next message releases it.
    """
    language = resident.language
    if window_open(resident, now, settings):
        fallback = (
            template_body(template[0], language, template[1])
            if template
            else template_body(WAITING_TEMPLATE, language, {"ticket": ticket})
        )
        await enqueue(
            session,
            resident=resident,
            bodies=bodies,
            kind=kind,
            origin=origin,
            caused_by_event_id=caused_by_event_id,
            now=now,
            prompt=prompt,
            fallback=fallback,
            hold_on_fallback=template is None or keep_message,
        )
        return "sent"
    if template is not None:
        body = template_body(template[0], language, template[1])
        await enqueue(
            session, resident=resident, bodies=[body], origin=f"template:{origin}", now=now
        )
        if keep_message:
            await hold(
                session, resident=resident, bodies=bodies, ticket=ticket, now=now, origin=origin
            )
        return "template"
    if not may_hold:
        raise WindowClosed("outside the 24-hour window: a template is needed")
    await hold(
        session,
        resident=resident,
        bodies=bodies,
        ticket=ticket,
        now=now,
        origin=origin,
        prompt=prompt,
    )
    return "held"


async def deliver_form(
    session: AsyncSession,
    *,
    settings: Settings,
    resident: Resident,
    body: dict[str, Any],
    template: dict[str, Any],
    now: datetime,
    caused_by_event_id: int | None = None,
    origin: str | None = None,
) -> Outcome:
    """Send a Flow form: the `flow` message inside the window, its FLOW-button template outside.

    Inside the window the template stands ready should Meta answer 131047. Outside it the
    template is also the invitation for what the same turn holds (the correction's words, the
    first chat question): it counts as the "message waiting" template, so no second one is
    sent, and the held messages go out as soon as the resident answers (the completion too).
    A form sent by a job rather than a turn (a renewal reminder) names its own `origin`.
    """
    if window_open(resident, now, settings):
        for row in await enqueue(
            session,
            resident=resident,
            bodies=[body],
            kind="flow",
            origin=origin or ORIGIN_CONVERSATION,
            caused_by_event_id=caused_by_event_id,
            now=now,
        ):
            row.fallback = template
            row.hold_on_fallback = False
        return "sent"
    await enqueue(
        session,
        resident=resident,
        bodies=[template],
        origin=f"template:{origin}" if origin else ORIGIN_WAITING,
        caused_by_event_id=caused_by_event_id,
        now=now,
    )
    return "template"


async def hold(
    session: AsyncSession,
    *,
    resident: Resident,
    bodies: list[dict[str, Any]],
    ticket: str,
    now: datetime,
    origin: str,
    prompt: str | None = None,
) -> None:
    """Keep `bodies` until the resident writes; invite them with the waiting template (once)."""
    await enqueue(
        session,
        resident=resident,
        bodies=bodies,
        origin=origin,
        now=now,
        prompt=prompt,
        state=OutboxState.HELD,
    )
    if not await _invited(session, resident.id, resident.last_inbound_at):
        await enqueue(
            session,
            resident=resident,
            bodies=[template_body(WAITING_TEMPLATE, resident.language, {"ticket": ticket})],
            origin=ORIGIN_WAITING,
            now=now,
        )


@dataclass(frozen=True)
class Released:
    """What `release_held` let go: how many messages, and whether a conversation turn's
    messages were among them (then they hold the question the resident is asked now)."""

    count: int
    conversation: bool


async def release_held(session: AsyncSession, *, resident_id: int, now: datetime) -> Released:
    """The resident wrote: send what was held for them, in the order it was written."""
    result = await session.execute(_release_held(), {"rid": resident_id, "due": now})
    origins = list(result.scalars())
    return Released(len(origins), ORIGIN_CONVERSATION in origins)


@functools.cache
def _release_held() -> ReturningUpdate[str | None]:
    """Built once (it runs for every message a resident sends), executed with parameters."""
    return (
        update(OutboundMessage)
        .where(
            OutboundMessage.resident_id == bindparam("rid"),
            OutboundMessage.state == OutboxState.HELD,
        )
        .values(state=OutboxState.PENDING, next_attempt_at=bindparam("due"))
        .returning(OutboundMessage.origin)
    )


async def mark_read(
    session: AsyncSession, *, resident: Resident, wamid: str, caused_by_event_id: int
) -> None:
    """Show the resident's message `wamid` as read (blue ticks): always inside the window,
    since the resident has just written."""
    await enqueue(
        session,
        resident=resident,
        bodies=[messages.read_receipt(wamid)],
        kind=KIND_READ,
        origin="read_receipt",
        caused_by_event_id=caused_by_event_id,
    )


def window_refusal(message: OutboundMessage, error_code: int | None) -> bool:
    """True when Meta's `error_code` says the window closed and `message` has a template to
    send instead (everything `deliver` sends free-form has one)."""
    return error_code == retry.RE_ENGAGEMENT and bool(message.fallback)


async def refused_for_window(
    session: AsyncSession, message: OutboundMessage, now: datetime
) -> Literal["held", "template_fallback"]:
    """Meta answered 131047 to `message`, sent as if inside the window: its template goes instead.

    A message that should follow once the resident answers (`hold_on_fallback`) is held, and its
    template goes out as the invitation to read it, unless an invitation sent since the resident's
    last message covers it already; any other message is replaced by its template.
    """
    message.state = OutboxState.HELD if message.hold_on_fallback else OutboxState.CANCELLED
    if message.hold_on_fallback:
        resident = await session.get(Resident, message.resident_id)
        since = resident.last_inbound_at if resident is not None else None
        if await _invited(session, message.resident_id, since):
            log.info("window closed; held behind the invitation", message_id=message.id)
            return "held"
    session.add(
        OutboundMessage(
            resident_id=message.resident_id,
            kind="template",
            body=message.fallback,
            origin=ORIGIN_WAITING if message.hold_on_fallback else "template:fallback",
            caused_by_event_id=message.caused_by_event_id,
            created_at=now,
            next_attempt_at=now,
        )
    )
    log.info("window closed; template fallback queued", message_id=message.id)
    return "template_fallback"


async def _invited(session: AsyncSession, resident_id: int, since: datetime | None) -> bool:
    """One "message waiting" invitation covers every message held until the resident writes
    again (`since`: their last message)."""
    return await repository.waiting_invitation_since(session, resident_id, since)
