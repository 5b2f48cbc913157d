"""Hand-offs end to end in live mode: the row's bookkeeping follows the engine, both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.conversations import handoff
from app.conversations.models import Conversation
from app.conversations.reminders import queue_timeouts
from app.db import unit_of_work
from app.inbox.models import InboundEvent
from app.residents.models import Resident as ResidentRow
from tests.support.loket import Loket
from tests.support.resident import Resident

HANDED_OFF = (
    "Baik, kami hubungkan Anda dengan petugas. Mohon tunggu, petugas akan membalas di sini."
)
ENDED = "Petugas sudah selesai membantu. Ketik *menu* bila ada yang lain."
ASK_NIK = "Silakan ketik NIK Anda (16 angka, ada di KK)."
TIMED_OUT = (
    "Maaf, petugas belum sempat membalas. Kami lanjutkan di sini; ketik *operator* bila tetap "
    "ingin dibantu petugas."
)


def texts(replies: list[dict]) -> list[str]:
    return [r["text"]["body"] for r in replies if r["type"] == "text"]


async def conversation(loket: Loket) -> Conversation:
    async with loket.runtime.sessionmaker() as session:
        return (await session.execute(select(Conversation))).scalar_one()


async def end_handoff(loket: Loket, *, actor: str = "operator:budi") -> bool:
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        return await handoff.end(
            session, row, actor=actor, office_id=None, ip="10.0.0.9", now=datetime.now(UTC)
        )


async def test_operator_starts_a_handoff_and_ending_it_gives_the_bot_back(loket: Loket) -> None:
    resident = Resident(loket)
    before = datetime.now(UTC)
    assert texts(await resident.text("operator")) == [HANDED_OFF]
    row = await conversation(loket)
    assert (row.status, row.handoff_reason) == ("handoff", "resident_request")
    assert row.handoff_at is not None and before <= row.handoff_at <= datetime.now(UTC)

    # While an officer has the chat the bot only acknowledges, once for a few lines in a row;
    # when the officer will answer depends on the real clock (tests/flows fixes it).
    [acknowledged] = texts(await resident.text("halo, ada orang?"))
    assert acknowledged.startswith("Pesan Anda sudah kami terima. ")
    assert await resident.text("saya mau tanya soal KTP") == []
    assert (await conversation(loket)).status == "handoff"

    assert await end_handoff(loket) is True
    await loket.drain()
    replies = [r.json for r in loket.graph.message_requests[resident.seen :]]
    assert texts(replies) == [ENDED]
    resident.seen = len(loket.graph.message_requests)
    row = await conversation(loket)
    assert (row.status, row.handoff_at, row.handoff_reason) == ("idle", None, None)

    answer = await resident.text("menu")
    assert [r["type"] for r in answer] == ["interactive"]  # the bot answers again


async def test_a_handoff_in_the_middle_of_a_request_resumes_the_question(loket: Loket) -> None:
    resident = Resident(loket)
    assert ASK_NIK in texts(await resident.text("ktp sy ilang min"))
    assert (await conversation(loket)).status == "waiting"
    await resident.text("petugas")
    row = await conversation(loket)
    # The reminder clock stops; the only deadline is the hand-off's own
    # (LOKET_HANDOFF_TIMEOUT_HOURS).
    assert row.status == "handoff"
    assert row.wait_expires_at == datetime.fromisoformat(row.snapshot["handoff_until"])

    await end_handoff(loket)
    await loket.drain()
    replies = [r.json for r in loket.graph.message_requests[resident.seen :]]
    assert texts(replies) == [ENDED, ASK_NIK]
    row = await conversation(loket)
    assert (row.status, row.handoff_at, row.handoff_reason) == ("waiting", None, None)
    assert row.wait_expires_at is not None


async def test_repeated_failures_hand_off_with_their_reason(loket: Loket) -> None:
    resident = Resident(loket)
    await resident.text("ktp sy ilang min")
    for _ in range(3):
        await resident.text("abc")
    assert (await conversation(loket)).status == "waiting"  # offered an officer, not yet taken
    assert texts(await resident.text("ya")) == [HANDED_OFF]
    row = await conversation(loket)
    assert (row.status, row.handoff_reason) == ("handoff", "validation_failed")


async def test_ending_twice_queues_one_event_and_one_audit_row(loket: Loket) -> None:
    resident = Resident(loket)
    await resident.text("operator")
    since = (await conversation(loket)).handoff_at
    assert since is not None
    assert await end_handoff(loket) is True
    assert await end_handoff(loket, actor="operator:sari") is False  # the double click
    async with loket.runtime.sessionmaker() as session:
        row = await session.scalar(select(Conversation))
        assert row is not None
        keys = (
            await session.execute(
                select(InboundEvent.dedup_key).where(InboundEvent.kind == "internal")
            )
        ).scalars()
        assert list(keys) == [f"i:handoff_end:{row.id}:{since.isoformat()}"]
        audit = (await session.execute(select(AuditEvent))).scalars().all()
    assert [(a.actor, a.action, a.target, a.ip) for a in audit] == [
        ("operator:budi", "handoff_ended", f"conversation:{row.id}", "10.0.0.9")
    ]
    assert audit[0].detail == {
        "resident_id": row.resident_id,
        "since": since.isoformat(),
        "reason": "resident_request",
    }
    await loket.drain()
    assert (await conversation(loket)).status == "idle"
    # The next hand-off has a new `handoff_at`, so its end is a new event, not a duplicate.
    async with loket.runtime.sessionmaker() as session:
        count = await session.scalar(select(func.count()).select_from(InboundEvent))
    await resident.text("operator")  # a new hand-off has its own key
    assert await end_handoff(loket) is True
    async with loket.runtime.sessionmaker() as session:
        after = await session.scalar(select(func.count()).select_from(InboundEvent))
    assert after == (count or 0) + 2  # the resident's message and the new end


def test_settle_leaves_a_live_handoff_alone() -> None:
    row = Conversation(resident_id=1, snapshot={"handoff": True}, status="handoff")
    handoff.begin(row, "resident_request", datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    handoff.begin(row, "validation_failed", datetime(2026, 11, 22, 4, 0, tzinfo=UTC))
    handoff.settle(row)
    assert (row.status, row.handoff_at, row.handoff_reason) == (
        "handoff",
        datetime(2026, 11, 22, 3, 0, tzinfo=UTC),
        "resident_request",
    )


async def test_the_resident_ending_the_wait_gives_the_bot_back(loket: Loket) -> None:
    resident = Resident(loket)
    assert ASK_NIK in texts(await resident.text("ktp sy ilang min"))
    await resident.text("petugas")
    assert (await conversation(loket)).status == "handoff"

    assert texts(await resident.text("selesai")) == [
        "Baik, Anda tidak lagi menunggu petugas. Ketik *menu* untuk melihat layanan.",
        ASK_NIK,
    ]
    row = await conversation(loket)
    assert (row.status, row.handoff_at, row.handoff_reason) == ("waiting", None, None)
    assert row.wait_expires_at is not None


async def test_a_handoff_nobody_answers_returns_to_the_bot(loket: Loket, sessionmaker) -> None:
    resident = Resident(loket)
    await resident.text("ktp sy ilang min")
    await resident.text("petugas")
    row = await conversation(loket)
    assert row.wait_expires_at is not None  # eight working hours from now (the default)

    # The working hours pass: move the deadline (row and snapshot) into the past.
    now = datetime.now(UTC)
    deadline = now - timedelta(seconds=1)
    async with unit_of_work(sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        row.wait_expires_at = deadline
        row.snapshot = {**row.snapshot, "handoff_until": deadline.isoformat()}
    assert await queue_timeouts(sessionmaker, now) == 1
    await loket.drain()
    replies = [r.json for r in loket.graph.message_requests[resident.seen :]]
    assert texts(replies) == [TIMED_OUT, ASK_NIK]
    row = await conversation(loket)
    assert (row.status, row.handoff_at, row.handoff_reason) == ("waiting", None, None)
    assert row.wait_expires_at is not None and row.wait_expires_at > now


async def test_an_officer_reply_stops_the_return_to_the_bot(loket: Loket, sessionmaker) -> None:
    resident = Resident(loket)
    await resident.text("ktp sy ilang min")
    await resident.text("petugas")
    row = await conversation(loket)
    async with unit_of_work(sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        person = (await session.execute(select(ResidentRow))).scalar_one()
        await handoff.reply(
            session,
            runtime=loket.runtime,
            conversation=row,
            resident=person,
            request=None,
            actor="operator:admin",
            text_body="Baik, saya bantu. KTP hilangnya kapan?",
            now=datetime.now(UTC),
        )
    await loket.drain()
    assert (await conversation(loket)).snapshot["handoff_until"] is None

    # Long after the working hours, the stale timer leaves the officer's conversation alone.
    now = datetime.now(UTC) + timedelta(days=30)
    async with unit_of_work(sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        row.wait_expires_at = now - timedelta(seconds=1)
    seen = len(loket.graph.message_requests)
    await queue_timeouts(sessionmaker, now)
    await loket.drain()
    assert TIMED_OUT not in texts([r.json for r in loket.graph.message_requests[seen:]])
    assert (await conversation(loket)).status == "handoff"
