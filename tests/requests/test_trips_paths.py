"""Trips to the office from the real completion paths: the history the lifecycle and Meta's
"delivered" of the issued PDF write is what the figures' grouped query reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from app.counter.service import CHANNEL
from app.db import unit_of_work
from app.reports import repository
from app.reports.repository import Narrowing
from app.requests.models import Request
from app.requests.status import RequestStatus as S
from tests.support.files import pdf
from tests.support.issued_chat import issue, status_webhook
from tests.support.lifecycle import move
from tests.support.loket import Loket
from tests.support.request_rows import create_request, load


async def test_the_lifecycle_and_the_delivered_pdf_write_what_the_figures_count(
    loket: Loket, sessionmaker
) -> None:
    sm = sessionmaker
    # By chat, the PDF reached the resident's chat while ready for pickup: no trip.
    _, digital = await create_request(sm, service="kk", status="ready_for_pickup")
    await issue(loket, digital, pdf(1))
    await loket.drain()
    await loket.post_webhook(status_webhook("wamid.FAKE1", "delivered"))
    await loket.drain()
    assert (await load(sm, digital)).status == S.COMPLETED
    # By chat, delivered home: no trip. Collected with the pickup code's override: one trip.
    _, home = await create_request(sm, wa_id="6281200007778", status="out_for_delivery")
    await move(loket, home, S.COMPLETED, override_code=True)
    _, pickup = await create_request(sm, wa_id="6281200007779", status="ready_for_pickup")
    await move(loket, pickup, S.COMPLETED, override_code=True)
    # Taken down at the counter (as app.counter marks it), then collected: two trips.
    _, counter = await create_request(sm, wa_id="6281200007780", status="ready_for_pickup")
    async with unit_of_work(sm) as session:
        await session.execute(
            update(Request).where(Request.ticket == counter).values(channel=CHANNEL)
        )
    await move(loket, counter, S.COMPLETED, override_code=True)

    now = datetime.now(UTC)
    async with sm() as session:
        rows = await repository.trips_between(
            session, Narrowing(None), now - timedelta(hours=1), now + timedelta(hours=1)
        )
    # The KK (PDF in the chat) and three KTP requests: each path lands in its own count.
    assert sorted((row.service, row.trips, row.requests) for row in rows) == [
        ("kk", 0, 1),
        ("ktp", 0, 1),
        ("ktp", 1, 1),
        ("ktp", 2, 1),
    ]
