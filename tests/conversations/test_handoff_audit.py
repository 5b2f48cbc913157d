"""A hand-off ended by the resident ("selesai") or by its timer is written to the audit log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.conversations import handoff
from app.conversations.models import Conversation
from app.conversations.reminders import queue_timeouts
from app.db import unit_of_work
from tests.support.loket import Loket
from tests.support.resident import Resident


async def conversation(loket: Loket) -> Conversation:
    async with loket.runtime.sessionmaker() as session:
        return (await session.execute(select(Conversation))).scalar_one()


async def audit_rows(loket: Loket) -> list[AuditEvent]:
    async with loket.runtime.sessionmaker() as session:
        return list((await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars())


async def test_the_resident_ending_the_wait_is_audited(loket: Loket) -> None:
    resident = Resident(loket)
    await resident.text("ktp sy ilang min")
    await resident.text("petugas")
    row = await conversation(loket)
    assert row.handoff_at is not None
    await resident.text("halo, ada orang?")  # an acknowledgement, not an end
    assert await audit_rows(loket) == []

    await resident.text("selesai")
    [event] = await audit_rows(loket)
    assert (event.actor, event.action, event.target, event.office_id, event.ip) == (
        "resident",
        "handoff_ended_by_resident",
        f"conversation:{row.id}",
        None,  # no request yet, so no office: only an admin without an office sees it
        None,
    )
    assert event.detail == {
        "resident_id": row.resident_id,
        "since": row.handoff_at.isoformat(),
        "reason": "resident_request",
    }


async def test_a_handoff_that_times_out_is_audited_with_its_deadline(
    loket: Loket, sessionmaker
) -> None:
    resident = Resident(loket)
    await resident.text("ktp sy ilang min")
    await resident.text("petugas")
    now = datetime.now(UTC)
    deadline = now - timedelta(seconds=1)
    async with unit_of_work(sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        row.wait_expires_at = deadline
        row.snapshot = {**row.snapshot, "handoff_until": deadline.isoformat()}
        since = row.handoff_at
    assert since is not None
    assert await queue_timeouts(sessionmaker, now) == 1
    await loket.drain()
    [event] = await audit_rows(loket)
    assert (event.actor, event.action, event.target) == (
        "system",
        "handoff_timed_out",
        f"conversation:{row.id}",
    )
    assert event.detail == {
        "resident_id": row.resident_id,
        "since": since.isoformat(),
        "reason": "resident_request",
        "until": deadline.isoformat(),
    }
    assert (await conversation(loket)).status == "waiting"


async def test_an_officer_ending_it_is_audited_once_with_the_officer(loket: Loket) -> None:
    resident = Resident(loket)
    await resident.text("operator")
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        await handoff.end(
            session, row, actor="operator:budi", office_id=None, ip=None, now=datetime.now(UTC)
        )
    await loket.drain()
    assert (await conversation(loket)).status == "idle"
    assert [(e.actor, e.action) for e in await audit_rows(loket)] == [
        ("operator:budi", "handoff_ended")
    ]
