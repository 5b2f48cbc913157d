"""Writing outbox rows in the caller's transaction; listing and re-sending given-up messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.bot import messages
from app.outbox import service
from app.outbox.models import OutboundMessage
from tests.support.outbox import START, resident


async def _count(session) -> int:
    return int(await session.scalar(select(func.count()).select_from(OutboundMessage)) or 0)


async def test_enqueue_adds_rows_in_order_without_committing(db_session, monkeypatch):
    async def no_commit() -> None:
        raise AssertionError("enqueue must leave the commit to its caller")

    monkeypatch.setattr(db_session, "commit", no_commit)
    person = resident()  # new in this transaction: enqueue flushes it to get its id
    db_session.add(person)
    bodies = [
        messages.typing_indicator("wamid.IN1"),
        *messages.text("Halo, Bapak/Ibu 👋"),
        messages.buttons("Lanjutkan?", [messages.Button("ya", "Ya, kirim")]),
    ]

    rows = await service.enqueue(
        db_session,
        resident=person,
        bodies=bodies,
        origin="flow:ktp",
        caused_by_event_id=None,
        now=START,
    )

    assert [(r.kind, r.state, r.attempts, r.next_attempt_at, r.origin) for r in rows] == [
        ("typing", "pending", 0, START, "flow:ktp"),
        ("text", "pending", 0, START, "flow:ktp"),
        ("interactive", "pending", 0, START, "flow:ktp"),
    ]
    assert [r.body for r in rows] == bodies
    assert rows[0].id < rows[1].id < rows[2].id
    assert all(r.resident_id == person.id for r in rows)
    assert await _count(db_session) == 3
    assert db_session.in_transaction()


async def test_enqueue_takes_an_explicit_kind(db_session):
    person = resident()
    db_session.add(person)
    (row,) = await service.enqueue(
        db_session, resident=person, bodies=messages.text("Siap diambil"), kind="notification"
    )
    assert row.kind == "notification"


@pytest.mark.parametrize(
    "body",
    [
        {"type": "text", "text": {"body": "no product"}},
        {**messages.text("halo")[0], "to": "+6289900000001"},
        {**messages.text("halo")[0], "recipient": "ID.1"},
    ],
)
async def test_enqueue_refuses_bodies_that_are_not_unaddressed_graph_bodies(db_session, body):
    person = resident()
    db_session.add(person)
    with pytest.raises(ValueError):
        await service.enqueue(db_session, resident=person, bodies=[body])


async def test_list_given_up_newest_first_with_limit(db_session):
    person = resident()
    db_session.add(person)
    rows = await service.enqueue(
        db_session,
        resident=person,
        bodies=[*messages.text("a"), *messages.text("b"), *messages.text("c")],
    )
    rows[0].state = rows[2].state = "given_up"
    rows[1].state = "sent"
    await db_session.flush()

    assert [r.id for r in await service.list_given_up(db_session, limit=10)] == [
        rows[2].id,
        rows[0].id,
    ]
    assert [r.id for r in await service.list_given_up(db_session, limit=1)] == [rows[2].id]


async def test_resend_resets_a_given_up_message(db_session):
    person = resident()
    db_session.add(person)
    (row,) = await service.enqueue(
        db_session, resident=person, bodies=messages.text("a"), now=START
    )
    row.state, row.attempts, row.last_error_code, row.last_error = "given_up", 8, 131000, "boom"
    await db_session.flush()

    later = START + timedelta(hours=2)
    again = await service.resend(db_session, row.id, now=later)

    assert again is row
    assert (row.state, row.attempts, row.next_attempt_at) == ("pending", 0, later)
    assert row.last_error_code is None
    assert row.last_error is None


async def test_resend_refuses_pending_or_sent_messages_and_unknown_ids(db_session):
    person = resident()
    db_session.add(person)
    (row,) = await service.enqueue(db_session, resident=person, bodies=messages.text("a"))
    with pytest.raises(service.NotResendable):
        await service.resend(db_session, row.id)
    row.state = "sent"
    with pytest.raises(service.NotResendable):
        await service.resend(db_session, row.id)
    with pytest.raises(service.OutboxMessageNotFound):
        await service.resend(db_session, row.id + 1000)


def test_kind_of_names_bodies():
    assert service.kind_of(messages.read_receipt("w")) == "read"
    assert service.kind_of(messages.typing_indicator("w")) == "typing"
    assert service.kind_of(messages.template("status_update", "id")) == "template"
    assert service.kind_of(messages.document(media_id="123")) == "document"
