"""A resident whose message Loket cannot handle is told so, once, in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.conversations.service import ConversationService
from app.db import unit_of_work
from app.inbox.models import InboundEvent
from app.outbox.models import OutboundMessage
from app.residents.models import Resident
from tests.support.loket import Loket
from tests.support.operator import move
from tests.support.request_rows import create_request
from tests.support.resident import WA_ID
from tests.support.resident import Resident as Chat

APOLOGY_ID = (
    "Maaf, pesan Anda belum bisa kami proses. Kami sedang memeriksanya; "
    "petugas akan menghubungi Anda."
)
APOLOGY_EN = (
    "Sorry, we could not process your message yet. We are looking into it; "
    "an officer will contact you."
)


@pytest.fixture
def broken_turns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every engine turn fails, as a bug in the conversation would make it."""

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine tripped")

    monkeypatch.setattr(ConversationService, "run_turn", boom)


async def _drain_tries(loket: Loket) -> None:
    for _ in range(3):  # the processor gives an event three tries
        await loket.drain()


def _texts(bodies: list[dict]) -> list[str]:
    return [b["text"]["body"] for b in bodies if b.get("type") == "text"]


@pytest.mark.usefixtures("broken_turns")
@pytest.mark.parametrize(("language", "apology"), [("id", APOLOGY_ID), ("en", APOLOGY_EN)])
async def test_a_message_that_fails_for_good_gets_an_apology(
    loket: Loket, sessionmaker, language: str, apology: str
) -> None:
    async with unit_of_work(sessionmaker) as session:
        session.add(Resident(wa_id=WA_ID, language=language))
    chat = Chat(loket)
    await chat.text("ktp sy ilang")
    await _drain_tries(loket)

    replies = chat.unread()
    assert _texts(replies) == [apology]
    assert [r["to"] for r in replies] == [f"+{WA_ID}"]
    async with sessionmaker() as session:
        event = (await session.execute(select(InboundEvent))).scalar_one()
        row = (
            await session.execute(
                select(OutboundMessage).where(OutboundMessage.origin == "inbox:set_aside")
            )
        ).scalar_one()
    assert event.failed_at is not None
    assert row.state == "sent"
    await _drain_tries(loket)
    assert chat.unread() == []  # once


async def test_a_correction_that_cannot_be_delivered_outside_the_window(
    loket: Loket, sessionmaker
) -> None:
    """The resident has not written for two days: the apology waits behind the template."""
    _, ticket = await create_request(
        sessionmaker, wa_id=WA_ID, last_inbound=timedelta(days=2), status="in_review"
    )
    broken = pytest.MonkeyPatch()  # only the operator's correction fails, not the reply after

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the engine tripped")

    broken.setattr(ConversationService, "run_turn", boom)
    await move(loket, ticket, "needs_correction", fields=["alamat"])
    await _drain_tries(loket)
    broken.undo()

    chat = Chat(loket)
    (waiting,) = chat.unread()
    assert waiting["type"] == "template"
    assert waiting["template"]["name"] == "loket_pesan_menunggu"
    assert waiting["template"]["components"][0]["parameters"] == [{"type": "text", "text": ticket}]
    replies = await chat.text("iya ada apa?")
    assert _texts(replies)[0] == (
        f"Maaf, ada kabar dari petugas tentang permohonan {ticket} yang belum bisa kami "
        "sampaikan. Kami sedang memeriksanya; petugas akan menghubungi Anda."
    )
