"""Live mode end to end: a signed webhook in, a read receipt and a reply out to the Graph API."""

from __future__ import annotations

from sqlalchemy import select

from app.inbox.models import InboundEvent
from app.outbox.models import OutboundMessage, OutboxState
from tests.support.loket import Loket
from tests.support.resident import NUMBER, text_message


async def test_a_signed_text_gets_a_read_receipt_and_a_reply(loket: Loket) -> None:
    """The receipt goes first, then the reply, both to /{version}/{phone_number_id}/messages."""
    response = await loket.post_webhook(text_message("wamid.HALO1", "halo"))
    assert response.status_code == 200
    assert loket.graph.requests == []  # the webhook itself sends nothing

    await loket.drain()

    calls = loket.graph.message_requests
    assert {c.path for c in calls} == {f"/v25.0/{NUMBER}/messages"}
    assert all(c.headers["authorization"] == "Bearer test-access-token" for c in calls)
    assert calls[0].json == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.HALO1",
    }
    replies = [c.json for c in calls[1:]]
    assert replies, "the resident got no reply"
    assert all(r["to"] == "+6281234567890" for r in replies)
    assert all(r["messaging_product"] == "whatsapp" for r in replies)
    kinds = [r["type"] for r in replies]
    assert "interactive" in kinds  # the menu of services is a list


async def test_a_redelivered_message_is_answered_once(loket: Loket, sessionmaker) -> None:
    """Meta re-delivers the same wamid: one inbox row, one read receipt, one set of replies."""
    for _ in range(3):
        assert (await loket.post_webhook(text_message("wamid.DUP1", "halo"))).status_code == 200
        await loket.drain()
    receipts = [c for c in loket.graph.message_requests if c.json.get("status") == "read"]
    assert len(receipts) == 1
    async with sessionmaker() as session:
        rows = (await session.execute(select(InboundEvent))).scalars().all()
        assert [r.external_id for r in rows] == ["wamid.DUP1"]
        sent = (await session.execute(select(OutboundMessage))).scalars().all()
        assert all(m.state == OutboxState.SENT for m in sent)
        assert len(sent) == len(loket.graph.message_requests)


async def test_replies_are_written_with_the_turn_not_before(loket: Loket, sessionmaker) -> None:
    """Before processing nothing is queued; after it, the outbox rows point at the inbound event."""
    await loket.post_webhook(text_message("wamid.ORDER1", "halo"))
    async with sessionmaker() as session:
        assert (await session.execute(select(OutboundMessage))).scalars().all() == []
    await loket.workers.inbound.run_once()
    async with sessionmaker() as session:
        event = (await session.execute(select(InboundEvent))).scalar_one()
        queued = (await session.execute(select(OutboundMessage))).scalars().all()
        assert queued and all(m.caused_by_event_id == event.id for m in queued)
        assert all(m.state == OutboxState.PENDING for m in queued)
