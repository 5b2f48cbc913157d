"""Uncollected pickups: scheduled on `ready_for_pickup`, sent by the job, at most N, once each."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.db import unit_of_work
from app.outbox.models import OutboundMessage
from app.requests import lifecycle, pickup_reminders
from app.requests import service as requests
from app.requests.models import Request, RequestEvent
from app.requests.repository import get_by_ticket
from app.requests.status import RequestStatus as S
from app.residents.models import Resident
from tests.support.loket import Loket
from tests.support.request_rows import load

# Friday 20 November 2026, 10:00 in Jakarta: three working days later is Wednesday the 25th.
READY_AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
FIRST = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 08:00 WIB, the office's opening time
SECOND = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # Thu 26, Fri 27, Mon 30
PLACE, HOURS = "Kantor Camat Contoh", "Senin–Jumat 08.00–15.00"


async def ready(loket: Loket, *, language: str = "id") -> str:
    """A resident's KTP request moved to `ready_for_pickup` at READY_AT; returns the ticket."""
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        resident = Resident(
            wa_id="6281200005555", name="Siti", language=language, last_inbound_at=READY_AT
        )
        session.add(resident)
        await session.flush()
        request = await requests.submit(
            session,
            resident_id=resident.id,
            service_code="ktp",
            variant="hilang",
            fields={"nik": "3201014508900003", "nama": "Siti Aminah"},
            documents=[],
            language=language,
            office_level="district",
            ticket_prefix_override="KTP",
            due_date=date(2026, 12, 11),
            now=READY_AT - timedelta(days=3),
            local_today=date(2026, 11, 17),
        )
        request.status = S.PROCESSING.value
        await lifecycle.apply_transition(
            session,
            catalog=loket.runtime.catalog,
            settings=loket.runtime.settings,
            request=request,
            to=S.READY_FOR_PICKUP,
            actor="operator:budi",
            note=None,
            pickup_place=PLACE,
            now=READY_AT,
        )
        return request.ticket


def send_due(loket: Loket, now: datetime) -> Awaitable[int]:
    """The reminder job of `loket`'s process, run at `now`."""
    runtime = loket.runtime
    return pickup_reminders.send_due_reminders(
        runtime.sessionmaker, now, catalog=runtime.catalog, settings=runtime.settings
    )


async def wrote_at(loket: Loket, at: datetime) -> None:
    """The resident's last message was at `at` (opens or closes Meta's window)."""
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        await session.execute(update(Resident).values(last_inbound_at=at))


async def reminders_out(loket: Loket) -> list[OutboundMessage]:
    async with loket.runtime.sessionmaker() as session:
        stmt = select(OutboundMessage).where(
            OutboundMessage.origin.in_(["pickup_reminder", "template:pickup_reminder"])
        )
        return list((await session.execute(stmt.order_by(OutboundMessage.id))).scalars())


async def history(loket: Loket) -> list[tuple[str, dict]]:
    async with loket.runtime.sessionmaker() as session:
        stmt = (
            select(RequestEvent).where(RequestEvent.to_status.is_(None)).order_by(RequestEvent.id)
        )
        return [(e.actor, e.data) for e in (await session.execute(stmt)).scalars()]


def template_body(ticket: str, language: str = "id") -> dict:
    service = "ID card (KTP-el)" if language == "en" else "KTP-el"
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "template",
        "template": {
            "name": "loket_pengingat_ambil",
            "language": {"code": language},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": service},
                        {"type": "text", "text": ticket},
                        {"type": "text", "text": PLACE},
                        {"type": "text", "text": HOURS},
                    ],
                }
            ],
        },
    }


async def test_entering_ready_for_pickup_schedules_the_first_reminder(loket: Loket) -> None:
    ticket = await ready(loket)
    request = await load(loket.runtime.sessionmaker, ticket)
    assert (request.next_pickup_reminder_at, request.pickup_reminders_sent) == (FIRST, 0)
    assert await send_due(loket, FIRST - timedelta(seconds=1)) == 0  # not yet due
    assert await reminders_out(loket) == []


async def test_inside_the_window_the_reminder_is_free_form_with_the_template_behind_it(
    loket: Loket,
) -> None:
    ticket = await ready(loket)
    await wrote_at(loket, FIRST - timedelta(hours=1))
    assert await send_due(loket, FIRST) == 1
    (row,) = await reminders_out(loket)
    body = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "text",
        "text": {
            "preview_url": False,
            "body": f"Pengingat: KTP-el Anda (permohonan {ticket}) masih menunggu diambil di "
            f"{PLACE}, {HOURS}. Kode pengambilan Anda sudah dikirim sebelumnya.",
        },
    }
    # The outbox stores the exact Graph body; the sender only adds the recipient.
    assert (row.body, row.fallback, row.hold_on_fallback) == (body, template_body(ticket), False)
    assert (row.state, row.next_attempt_at) == ("pending", FIRST)
    request = await load(loket.runtime.sessionmaker, ticket)
    assert (request.pickup_reminders_sent, request.next_pickup_reminder_at) == (1, SECOND)
    assert await history(loket) == [("system", {"kind": "pickup_reminder", "n": 1})]


async def test_outside_the_window_the_reminder_is_the_template(loket: Loket) -> None:
    ticket = await ready(loket, language="en")
    assert await send_due(loket, FIRST) == 1
    (row,) = await reminders_out(loket)
    assert (row.body, row.origin) == (template_body(ticket, "en"), "template:pickup_reminder")


async def test_english_inside_the_window(loket: Loket) -> None:
    ticket = await ready(loket, language="en")
    await wrote_at(loket, FIRST - timedelta(minutes=5))
    await send_due(loket, FIRST)
    (row,) = await reminders_out(loket)
    assert row.body["text"]["body"] == (
        f"Reminder: your ID card (KTP-el) (request {ticket}) is still waiting at {PLACE}, {HOURS}. "
        "Your pickup code was sent earlier."
    )


async def test_reminders_stop_after_the_maximum(loket: Loket) -> None:
    assert loket.runtime.settings.pickup_reminders_max == 2
    ticket = await ready(loket)
    assert await send_due(loket, FIRST) == 1
    assert await send_due(loket, FIRST + timedelta(hours=1)) == 0  # next one is days away
    assert await send_due(loket, SECOND) == 1
    assert await send_due(loket, SECOND + timedelta(days=30)) == 0
    request = await load(loket.runtime.sessionmaker, ticket)
    assert (request.pickup_reminders_sent, request.next_pickup_reminder_at) == (2, None)
    assert len(await reminders_out(loket)) == 2
    assert await history(loket) == [
        ("system", {"kind": "pickup_reminder", "n": 1}),
        ("system", {"kind": "pickup_reminder", "n": 2}),
    ]


async def test_collected_in_between_means_no_reminder(loket: Loket) -> None:
    ticket = await ready(loket)
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        request = await get_by_ticket(session, ticket)
        assert request is not None
        await lifecycle.apply_transition(
            session,
            catalog=loket.runtime.catalog,
            settings=loket.runtime.settings,
            request=request,
            to=S.COMPLETED,
            actor="operator:budi",
            note="diambil tanpa kode",
            now=FIRST - timedelta(days=1),
            override_code=True,
        )
    assert (await load(loket.runtime.sessionmaker, ticket)).next_pickup_reminder_at is None
    assert await send_due(loket, FIRST) == 0
    assert await reminders_out(loket) == []


async def test_a_request_no_longer_waiting_is_skipped_even_if_still_scheduled(
    loket: Loket,
) -> None:
    """A status changed outside the lifecycle leaves the date behind: the status decides."""
    ticket = await ready(loket)
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        await session.execute(update(Request).values(status=S.REJECTED.value))
    assert await send_due(loket, FIRST) == 0
    assert (await load(loket.runtime.sessionmaker, ticket)).next_pickup_reminder_at == FIRST


def test_no_reminders_are_scheduled_when_the_maximum_is_zero(settings) -> None:
    request = Request(status=S.READY_FOR_PICKUP.value, pickup_reminders_sent=0)
    pickup_reminders.track(request, settings.model_copy(update={"pickup_reminders_max": 0}), FIRST)
    assert request.next_pickup_reminder_at is None
    pickup_reminders.track(request, settings, READY_AT)
    assert request.next_pickup_reminder_at == FIRST
    request.status = S.COMPLETED.value
    pickup_reminders.track(request, settings, FIRST)
    assert request.next_pickup_reminder_at is None


@pytest.mark.postgres_only
async def test_a_worker_skips_a_reminder_another_worker_holds(loket: Loket) -> None:
    ticket = await ready(loket)
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        (claimed,) = await pickup_reminders.claim_due(session, FIRST)
        # Meanwhile a second worker scans: the row is locked, so it skips it.
        assert await send_due(loket, FIRST) == 0
        await pickup_reminders.remind(
            session,
            claimed,
            FIRST,
            catalog=loket.runtime.catalog,
            settings=loket.runtime.settings,
        )
    assert await send_due(loket, FIRST) == 0
    assert len(await reminders_out(loket)) == 1
    assert (await load(loket.runtime.sessionmaker, ticket)).pickup_reminders_sent == 1


@pytest.mark.postgres_only
async def test_two_workers_at_once_send_one_reminder(loket: Loket) -> None:
    await ready(loket)
    counts = await asyncio.gather(send_due(loket, FIRST), send_due(loket, FIRST))
    assert sorted(counts) == [0, 1]
    assert len(await reminders_out(loket)) == 1
    assert await history(loket) == [("system", {"kind": "pickup_reminder", "n": 1})]
