"""Meta answers 131047 (window closed): held messages share one "message waiting" template."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot import messages
from app.db import unit_of_work
from app.outbox import service
from app.outbox.delivery import WAITING_TEMPLATE, template_body
from app.residents.models import Resident
from tests.support.outbox import START, create_resident, outbox_rows

WAITING = template_body(WAITING_TEMPLATE, "id", {"ticket": "KTP-261123-0001"})
PICKUP = template_body(
    "loket_siap_diambil",
    "id",
    {"service": "KTP-el", "place": "Kantor Camat", "hours": "08.00", "code": "123456"}
    | {"ticket": "KTP-261123-0001"},
)


async def _queue(
    sm: async_sessionmaker[AsyncSession], person: Resident, texts: list[str], *, hold: bool
) -> None:
    async with unit_of_work(sm) as session:
        bodies = [body for text in texts for body in messages.text(text)]
        for row in await service.enqueue(session, resident=person, bodies=bodies, now=START):
            row.fallback = WAITING if hold else PICKUP
            row.hold_on_fallback = hold


async def test_every_refused_message_is_held_behind_one_invitation(
    sessionmaker, fake_graph, make_worker
) -> None:
    person = await create_resident(sessionmaker, last_inbound_at=START - timedelta(hours=30))
    await _queue(sessionmaker, person, ["Petugas meminta perbaikan.", "Alamat Anda?"], hold=True)
    fake_graph.fail_next(131047, times=2)

    assert await make_worker().run_once() == 3

    assert [(r.origin, r.state, r.body) for r in await outbox_rows(sessionmaker)] == [
        (None, "held", messages.text("Petugas meminta perbaikan.")[0]),
        (None, "held", messages.text("Alamat Anda?")[0]),
        ("template:waiting", "sent", WAITING),
    ]


async def test_an_invitation_sent_before_the_residents_last_message_does_not_count(
    sessionmaker, fake_graph, make_worker
) -> None:
    """The resident answered an earlier invitation: a new refusal needs a new one."""
    person = await create_resident(sessionmaker, last_inbound_at=START - timedelta(hours=30))
    await _queue(sessionmaker, person, ["satu"], hold=True)
    fake_graph.fail_next(131047)
    worker = make_worker()
    await worker.run_once()
    async with unit_of_work(sessionmaker) as session:
        resident = await session.get(Resident, person.id)
        assert resident is not None
        resident.last_inbound_at = START + timedelta(minutes=1)
    await _queue(sessionmaker, person, ["dua"], hold=True)
    fake_graph.fail_next(131047)

    await worker.run_once()

    states = [(r.origin, r.state) for r in await outbox_rows(sessionmaker)]
    assert states == [
        (None, "held"),
        ("template:waiting", "sent"),
        (None, "held"),
        ("template:waiting", "sent"),
    ]


async def test_a_notice_with_its_own_template_is_replaced_not_held(
    sessionmaker, fake_graph, make_worker
) -> None:
    person = await create_resident(sessionmaker)
    await _queue(sessionmaker, person, ["KTP-el Anda siap diambil."], hold=False)
    fake_graph.fail_next(131047)

    await make_worker().run_once()

    assert [(r.origin, r.state, r.body) for r in await outbox_rows(sessionmaker)] == [
        (None, "cancelled", messages.text("KTP-el Anda siap diambil.")[0]),
        ("template:fallback", "sent", PICKUP),
    ]
