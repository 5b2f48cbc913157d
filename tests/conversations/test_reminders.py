"""Idle conversations: the deadline passes, the engine gets a timeout, the resident a reminder."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.conversations.models import Conversation
from app.conversations.reminders import queue_timeouts
from app.db import create_read_sessionmaker, unit_of_work
from tests.support.loket import Loket
from tests.support.resident import text_message


async def test_a_passed_deadline_queues_one_timeout_and_a_reminder(
    loket: Loket, sessionmaker
) -> None:
    await loket.post_webhook(text_message("wamid.R1", "ktp sy ilang min"))
    await loket.drain()
    asked = len(loket.graph.message_requests)
    now = datetime.now(UTC)
    assert await queue_timeouts(sessionmaker, now) == 0  # not yet due

    # Two hours pass: move the deadline (row and snapshot) into the past instead of waiting.
    deadline = now - timedelta(seconds=1)
    async with unit_of_work(sessionmaker) as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
        assert conversation.wait_expires_at is not None
        conversation.wait_expires_at = deadline
        conversation.snapshot = {**conversation.snapshot, "deadline": deadline.isoformat()}
    assert await queue_timeouts(sessionmaker, now) == 1
    assert await queue_timeouts(sessionmaker, now) == 0  # queued once
    await loket.drain()
    reminders = [r.json for r in loket.graph.message_requests[asked:]]
    bodies = [r["text"]["body"] for r in reminders]
    assert len(bodies) == 2, bodies  # a nudge, then the open question again
    assert bodies[1] == "Silakan ketik NIK Anda (16 angka, ada di KK)."
    async with sessionmaker() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
        assert conversation.wait_expires_at is not None
        assert conversation.wait_expires_at > now  # a new, later deadline: expiry


async def test_the_scan_finds_nothing_due_without_taking_the_write_lock(
    loket: Loket, sessionmaker, engine, database_url
) -> None:
    """The scan runs every few seconds: with nothing due it only reads, so a writer holding
    SQLite's write lock (a webhook batch committing) does not hold it up."""
    await loket.post_webhook(text_message("wamid.R2", "ktp sy ilang min"))
    await loket.drain()
    reader = create_read_sessionmaker(engine)
    now = datetime.now(UTC)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        writer = sqlite3.connect(str(url.database), isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # another process's write transaction, held open
        try:
            assert await asyncio.wait_for(queue_timeouts(sessionmaker, now, reader), 5) == 0
        finally:
            writer.execute("ROLLBACK")
            writer.close()
    assert await queue_timeouts(sessionmaker, now, reader) == 0
    later = now + timedelta(hours=3)  # past the deadline: the write transaction queues it
    assert await queue_timeouts(sessionmaker, later, reader) == 1
    assert await queue_timeouts(sessionmaker, later, reader) == 0
