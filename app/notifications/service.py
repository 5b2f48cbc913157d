"""Telling a resident something outside a conversation turn, within Meta's 24-hour rule.

Inside the customer-service window a message goes out free-form, carrying the approved template to
send instead should Meta answer 131047. Outside it, a notification with its own template sends
that template; anything else is *held*, and one "a message is waiting — tap to read" template
goes out; held messages are released as soon as the resident writes again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.config import Settings
from app.notifications.catalog import templates
from app.outbox import repository as outbox_repo
from app.outbox import service as outbox
from app.outbox.models import ORIGIN_WAITING, OutboundMessage, OutboxState
from app.residents.models import Resident

WAITING_TEMPLATE = "loket_pesan_menunggu"
# The quick-reply payload of the waiting template: tapping it releases the held messages.
READ_HELD_PAYLOAD = "held:read"
# The origin of what the conversation engine says (`app.conversations.effects`).
ORIGIN_CONVERSATION = "conversation"


def window_open(resident: Resident, now: datetime, settings: Settings) -> bool:
    """True while Meta allows free-form messages: the resident wrote within the window."""
    if settings.service_window_hours == 0 or resident.last_inbound_at is None:
        return False
    return now - resident.last_inbound_at < timedelta(hours=settings.service_window_hours)


def template_body(name: str, language: str, values: dict[str, str]) -> dict[str, Any]:
    return templates()[name].body(language, values)


async def notify(
    session: AsyncSession,
    *,
    settings: Settings,
    resident: Resident,
    text: str,
    ticket: str,
    template: tuple[str, dict[str, str]] | None,
    now: datetime,
    origin: str,
    keep_text: bool = False,
) -> str:
    """Send `text` to the resident as the window allows; returns "sent", "template" or "held".

    `keep_text` says the text holds more than the template (an operator's note): when the
    template has to go instead, the text is held as well, to be read when the resident answers.
    """
    language = resident.language
    if window_open(resident, now, settings):
        fallback = (
            template_body(template[0], language, template[1])
            if template
            else template_body(WAITING_TEMPLATE, language, {"ticket": ticket})
        )
        for row in await outbox.enqueue(
            session, resident=resident, bodies=messages.text(text), origin=origin, now=now
        ):
            row.fallback = fallback
            row.hold_on_fallback = template is None or keep_text
        return "sent"
    if template is not None:
        body = template_body(template[0], language, template[1])
        await outbox.enqueue(
            session, resident=resident, bodies=[body], origin=f"template:{origin}", now=now
        )
        if keep_text:
            bodies = messages.text(text)
            await hold(
                session, resident=resident, bodies=bodies, ticket=ticket, now=now, origin=origin
            )
        return "template"
    await hold(
        session,
        resident=resident,
        bodies=messages.text(text),
        ticket=ticket,
        now=now,
        origin=origin,
    )
    return "held"


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
    for row in await outbox.enqueue(
        session, resident=resident, bodies=bodies, origin=origin, now=now, prompt=prompt
    ):
        row.state = OutboxState.HELD
    if not await _waiting_invitation_since_last_message(session, resident):
        await outbox.enqueue(
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
    result = await session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.resident_id == resident_id,
            OutboundMessage.state == OutboxState.HELD,
        )
        .values(state=OutboxState.PENDING, next_attempt_at=now)
        .returning(OutboundMessage.origin)
    )
    origins = list(result.scalars())
    return Released(len(origins), ORIGIN_CONVERSATION in origins)


async def _waiting_invitation_since_last_message(session: AsyncSession, resident: Resident) -> bool:
    return await outbox_repo.waiting_invitation_since(
        session, resident.id, resident.last_inbound_at
    )
