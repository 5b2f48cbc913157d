"""LISTEN/NOTIFY wake-ups on PostgreSQL: a worker starts on the notification, and the poll still
delivers when notifications are off or lost."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.inbox.processor import InboundProcessor
from app.residents.models import Resident
from app.workers.wakeups import INBOX_CHANNEL, OUTBOX_CHANNEL, Wakeups
from tests.support.outbox import START, create_resident, enqueue_texts

pytestmark = pytest.mark.postgres_only

# Guards against a hang only: every wait below ends as soon as the awaited thing happens.
HANG_GUARD_SECONDS = 30.0
NEVER = 3600.0  # a poll that never comes within a test


async def _store_events(sm: async_sessionmaker[AsyncSession], texts: list[str]) -> list[str]:
    """Commit one resident's messages in one transaction, as one webhook batch would."""
    async with unit_of_work(sm) as session:
        person = Resident(wa_id="6289900000777")
        session.add(person)
        await session.flush()
        for n, text in enumerate(texts):
            session.add(
                InboundEvent(
                    dedup_key=f"m:wamid.wake.{n}",
                    kind=KIND_MESSAGE,
                    resident_id=person.id,
                    external_id=f"wamid.wake.{n}",
                    payload={"text": text},
                )
            )
    return [f"wamid.wake.{n}" for n in range(len(texts))]


class _Recorder:
    """The event handler: notes each event's wamid, and wakes the test when `expected` arrived."""

    def __init__(self, expected: int) -> None:
        self.seen: list[str] = []
        self.expected = expected
        self.done = asyncio.Event()

    async def __call__(self, _session: AsyncSession, event: InboundEvent) -> None:
        self.seen.append(event.external_id or "")
        if len(self.seen) >= self.expected:
            self.done.set()


@contextlib.asynccontextmanager
async def _running(
    *loops: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(loop(stop)) for loop in loops]
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), HANG_GUARD_SECONDS)


async def _idle(processor: InboundProcessor) -> None:
    """Let the processor finish its first (empty) look and start waiting; its poll never comes
    back within the test, so from then on only a wake-up starts it."""
    await processor.run_once()  # the same empty look, so the database round trips are warm
    await asyncio.sleep(0.3)


async def test_a_worker_wakes_on_the_notification_of_a_commit(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    recorder = _Recorder(expected=3)
    processor = InboundProcessor(sessionmaker, recorder, poll_seconds=NEVER)
    wakeups = Wakeups(engine, {INBOX_CHANNEL: processor.notify})
    async with _running(wakeups.run, processor.run):
        await asyncio.wait_for(wakeups.listening.wait(), HANG_GUARD_SECONDS)
        await _idle(processor)
        assert wakeups.received[INBOX_CHANNEL] == 0
        wamids = await _store_events(sessionmaker, ["halo", "mau buat KTP", "terima kasih"])
        await asyncio.wait_for(recorder.done.wait(), HANG_GUARD_SECONDS)
    # One transaction, one notification (PostgreSQL folds a transaction's identical ones).
    assert wakeups.received[INBOX_CHANNEL] == 1
    assert recorder.seen == wamids


async def test_outbox_rows_notify_the_outbox_channel(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    woken: list[str] = []
    arrived = asyncio.Event()

    def wake(channel: str) -> Callable[[], None]:
        def note() -> None:
            woken.append(channel)
            arrived.set()

        return note

    wakeups = Wakeups(engine, {INBOX_CHANNEL: wake("inbox"), OUTBOX_CHANNEL: wake("outbox")})
    async with _running(wakeups.run):
        await asyncio.wait_for(wakeups.listening.wait(), HANG_GUARD_SECONDS)
        assert woken == ["inbox", "outbox"]  # the catch-up look after connecting
        arrived.clear()
        person = await create_resident(sessionmaker)
        await enqueue_texts(sessionmaker, person, ["satu", "dua"], now=START)
        await asyncio.wait_for(arrived.wait(), HANG_GUARD_SECONDS)
    assert woken == ["inbox", "outbox", "outbox"]
    assert dict(wakeups.received) == {OUTBOX_CHANNEL: 1}


async def test_a_lost_notification_is_made_up_by_the_poll(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The notification arrives but reaches nobody (as if lost): the poll still delivers."""
    recorder = _Recorder(expected=2)
    processor = InboundProcessor(sessionmaker, recorder, poll_seconds=0.05)
    wakeups = Wakeups(engine, {INBOX_CHANNEL: lambda: None})
    async with _running(wakeups.run, processor.run):
        await asyncio.wait_for(wakeups.listening.wait(), HANG_GUARD_SECONDS)
        wamids = await _store_events(sessionmaker, ["halo", "menu"])
        await asyncio.wait_for(recorder.done.wait(), HANG_GUARD_SECONDS)
    assert recorder.seen == wamids


async def test_without_listening_the_poll_delivers(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    recorder = _Recorder(expected=2)
    processor = InboundProcessor(sessionmaker, recorder, poll_seconds=0.05)
    async with _running(processor.run):
        wamids = await _store_events(sessionmaker, ["halo", "menu"])
        await asyncio.wait_for(recorder.done.wait(), HANG_GUARD_SECONDS)
    assert recorder.seen == wamids
