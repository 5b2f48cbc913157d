"""The simulated phone reports a file it shows as delivered, as WhatsApp does, so an issued
document sent to the simulator completes its request the way it does live."""

from __future__ import annotations

from sqlalchemy import select

from app.bot.payloads import KIND_STATUS
from app.inbox.models import InboundEvent
from app.outbox.models import OutboundMessage
from app.requests.models import Request
from tests.support.files import pdf
from tests.support.issued_chat import issue_in
from tests.support.request_rows import create_request
from tests.support.simulator import Simulator

WA_ID = "6281200007777"


async def test_a_document_on_the_screen_is_reported_delivered_once(simulator: Simulator) -> None:
    _, ticket = await create_request(
        simulator.sessionmaker, wa_id=WA_ID, service="kk", status="ready_for_pickup"
    )
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await issue_in(simulator.runtime, ticket, pdf(1))
    await phone.drain()  # the outbox sends the PDF to the sandbox

    screen = await phone.screen()
    [shown] = [i for i in screen["items"] if i["message"].get("type") == "document"]
    await phone.drain()  # the status goes the webhook's way, then completes the request
    await phone.screen()  # shown again: not reported again
    await phone.drain()

    async with simulator.sessionmaker() as session:
        statuses = (
            (await session.execute(select(InboundEvent).where(InboundEvent.kind == KIND_STATUS)))
            .scalars()
            .all()
        )
        sent = (
            await session.execute(
                select(OutboundMessage).where(OutboundMessage.wamid == shown["wamid"])
            )
        ).scalar_one()
        request = (
            await session.execute(select(Request).where(Request.ticket == ticket))
        ).scalar_one()
    assert [(e.external_id, e.payload["status"]["status"]) for e in statuses] == [
        (shown["wamid"], "delivered")
    ]
    assert sent.delivery_status == "delivered"
    assert request.status == "completed"


async def test_a_text_reply_is_not_reported(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await phone.text("halo")
    await phone.screen()
    await phone.drain()
    async with simulator.sessionmaker() as session:
        statuses = (
            (await session.execute(select(InboundEvent).where(InboundEvent.kind == KIND_STATUS)))
            .scalars()
            .all()
        )
    assert statuses == []
