"""A reply's `context.id` becomes the prompt id of the message it answers, or nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.bot.inbound import reply_context
from app.conversations.replies import with_prompt
from app.flows.inputs import ChoiceInput, TextInput
from app.outbox import delivery
from app.outbox import service as outbox
from app.outbox.models import OutboundMessage, OutboxState
from app.residents.models import Resident
from tests.support.environment import PAYLOADS_DIR

NOW = datetime(2026, 11, 22, 3, tzinfo=UTC)


async def resident(session: AsyncSession, wa_id: str) -> Resident:
    found = Resident(wa_id=wa_id, name="Siti", language="id")
    session.add(found)
    await session.flush()
    return found


async def sent(
    session: AsyncSession, who: Resident, wamid: str, prompt: str | None
) -> OutboundMessage:
    body = messages.buttons("Sudah benar?", [messages.Button(id="yes", title="Ya, kirim")])
    (row,) = await outbox.enqueue(session, resident=who, bodies=[body], prompt=prompt, now=NOW)
    row.wamid, row.state = wamid, OutboxState.SENT
    await session.flush()
    return row


def reply(context: dict[str, Any] | None) -> dict[str, Any]:
    message: dict[str, Any] = {
        "from": "6281234500001",
        "id": "wamid.IN1",
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Ya"}},
    }
    if context is not None:
        message["context"] = context
    return message


async def test_a_tap_gets_the_prompt_of_the_message_it_names(db_session: AsyncSession) -> None:
    siti = await resident(db_session, "6281234500001")
    await sent(db_session, siti, "wamid.OUT1", "4")
    item = ChoiceInput("yes", "Ya")
    answered = await with_prompt(
        db_session, resident_id=siti.id, message=reply({"id": "wamid.OUT1"}), item=item
    )
    assert answered == ChoiceInput("yes", "Ya", prompt="4")


async def test_without_a_known_prompt_the_tap_is_passed_on_unchanged(
    db_session: AsyncSession,
) -> None:
    siti = await resident(db_session, "6281234500001")
    budi = await resident(db_session, "6281234500002")
    await sent(db_session, siti, "wamid.TEXT", None)  # a message that asked nothing
    await sent(db_session, budi, "wamid.BUDI", "2")  # someone else's message
    item = ChoiceInput("yes", "Ya")
    for context in (
        None,
        {"from": "15550783881"},  # a forwarded message's context has no id
        {"id": "wamid.NEVER-SENT"},
        {"id": "wamid.TEXT"},
        {"id": "wamid.BUDI"},
        {"id": 12},
    ):
        message = reply(context)
        assert (
            await with_prompt(db_session, resident_id=siti.id, message=message, item=item) is item
        )
    typed = TextInput("ya")
    message = reply({"id": "wamid.TEXT"})
    assert await with_prompt(db_session, resident_id=siti.id, message=message, item=typed) is typed


def test_the_context_id_is_read_from_meta_s_recorded_payloads() -> None:
    recorded = json.loads((PAYLOADS_DIR / "pywa/callback_button.json").read_text("utf-8"))

    def first_message(name: str) -> dict[str, Any]:
        message: dict[str, Any] = recorded[name]["entry"][0]["changes"][0]["value"]["messages"][0]
        return message

    assert reply_context(first_message("quick_reply")) == "wamid.xyzxyz=="
    assert reply_context(first_message("button")) == "wamid.xyzxyz"
    assert reply_context(first_message("quick_reply_without_context")) is None


async def test_a_question_held_outside_the_window_keeps_its_prompt(
    db_session: AsyncSession,
) -> None:
    siti = await resident(db_session, "6281234500001")
    body = messages.buttons("Sudah benar?", [messages.Button(id="yes", title="Ya, kirim")])
    await delivery.hold(
        db_session,
        resident=siti,
        bodies=[body],
        ticket="KTP-261122-0001",
        now=NOW,
        origin="conversation",
        prompt="6",
    )
    stmt = select(OutboundMessage.state, OutboundMessage.origin, OutboundMessage.prompt)
    rows = (await db_session.execute(stmt.order_by(OutboundMessage.id))).all()
    assert [tuple(row) for row in rows] == [
        ("held", "conversation", "6"),
        ("pending", "template:waiting", None),  # "a message is waiting": asks no question
    ]
