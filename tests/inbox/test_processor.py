"""The processing worker: order per resident, exactly-once effects, crashes and two workers."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.inbox import processor as processor_module
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.inbox.processor import InboundProcessor
from app.residents.models import Resident
from tests.support.environment import _backend


async def _seed(
    sm: async_sessionmaker[AsyncSession], residents: int, per_resident: int
) -> list[int]:
    """Interleave events of several residents, as concurrent webhooks would store them."""
    async with unit_of_work(sm) as session:
        people = [Resident(wa_id=f"6281200000{i:03d}") for i in range(residents)]
        session.add_all(people)
        await session.flush()
        for n in range(per_resident):
            for person in people:
                wamid = f"wamid.{person.id}.{n}"
                session.add(
                    InboundEvent(
                        dedup_key=f"m:{wamid}",
                        kind=KIND_MESSAGE,
                        resident_id=person.id,
                        external_id=wamid,
                        payload={"n": n},
                    )
                )
        return [p.id for p in people]


async def _pending(sm: async_sessionmaker[AsyncSession]) -> int:
    async with sm() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(InboundEvent)
                .where(InboundEvent.processed_at.is_(None))
            )
            or 0
        )


async def test_events_run_in_order_per_resident_once_each(sessionmaker) -> None:
    """Each event is handled once, in arrival order within its resident, and marked processed."""
    await _seed(sessionmaker, residents=3, per_resident=4)
    seen: dict[int, list[int]] = defaultdict(list)

    async def handler(session: AsyncSession, event: InboundEvent) -> None:
        seen[event.resident_id].append(event.payload["n"])

    handled = await InboundProcessor(sessionmaker, handler).run_once()
    assert handled == 12
    assert all(order == [0, 1, 2, 3] for order in seen.values())
    assert len(seen) == 3
    assert await _pending(sessionmaker) == 0
    assert await InboundProcessor(sessionmaker, handler).run_once() == 0


async def test_handler_writes_commit_with_processed_at(sessionmaker) -> None:
    """What the handler writes and the event's `processed_at` commit in one transaction."""
    (resident_id,) = await _seed(sessionmaker, residents=1, per_resident=1)

    async def handler(session: AsyncSession, event: InboundEvent) -> None:
        resident = await session.get(Resident, event.resident_id)
        assert resident is not None
        resident.name = "Siti"

    await InboundProcessor(sessionmaker, handler).run_once()
    async with sessionmaker() as session:
        resident = await session.get(Resident, resident_id)
        assert resident is not None and resident.name == "Siti"


async def test_failing_event_is_retried_then_set_aside(sessionmaker) -> None:
    """A failing event blocks its resident's later events until it is set aside after 3 tries."""
    await _seed(sessionmaker, residents=1, per_resident=2)
    calls: list[int] = []

    async def handler(session: AsyncSession, event: InboundEvent) -> None:
        calls.append(event.payload["n"])
        if event.payload["n"] == 0:
            session.add(Resident(wa_id="rolled-back"))  # must vanish with the savepoint
            raise ValueError("boom")

    worker = InboundProcessor(sessionmaker, handler)
    assert await worker.run_once() == 0
    assert await worker.run_once() == 0
    assert calls == [0, 0]
    assert await worker.run_once() == 2  # third failure: set aside, then event 1 runs
    assert calls == [0, 0, 0, 1]
    async with sessionmaker() as session:
        failed = (
            await session.execute(select(InboundEvent).order_by(InboundEvent.id).limit(1))
        ).scalar_one()
        assert failed.attempts == 3
        assert failed.last_error == "ValueError: boom"
        assert failed.processed_at is not None
        assert await session.scalar(select(Resident).where(Resident.wa_id == "rolled-back")) is None


async def test_worker_killed_mid_event_loses_nothing(sessionmaker) -> None:
    """A worker killed mid-event leaves it pending; the next worker handles it once."""
    await _seed(sessionmaker, residents=1, per_resident=2)
    started = asyncio.Event()

    async def hangs(session: AsyncSession, event: InboundEvent) -> None:
        session.add(Resident(wa_id="half-done"))
        await session.flush()
        started.set()
        await asyncio.Event().wait()  # never returns: the process "dies" here

    task = asyncio.create_task(InboundProcessor(sessionmaker, hangs).run_once())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await _pending(sessionmaker) == 2

    handled: list[int] = []

    async def records(session: AsyncSession, event: InboundEvent) -> None:
        handled.append(event.payload["n"])

    assert await InboundProcessor(sessionmaker, records).run_once() == 2
    assert handled == [0, 1]
    async with sessionmaker() as session:
        assert await session.scalar(select(Resident).where(Resident.wa_id == "half-done")) is None


async def test_two_workers_never_share_a_resident(sessionmaker, monkeypatch) -> None:
    """Two workers together: per-resident order holds, no resident runs twice at once."""
    monkeypatch.setattr(processor_module, "BATCH_PER_RESIDENT", 2)
    await _seed(sessionmaker, residents=6, per_resident=6)
    seen: dict[int, list[int]] = defaultdict(list)
    in_flight: set[int] = set()
    overlaps: list[int] = []

    async def handler(session: AsyncSession, event: InboundEvent) -> None:
        if event.resident_id in in_flight:
            overlaps.append(event.resident_id)
        in_flight.add(event.resident_id)
        await asyncio.sleep(0.001)  # yield so the other worker gets to run meanwhile
        seen[event.resident_id].append(event.payload["n"])
        in_flight.discard(event.resident_id)

    a = InboundProcessor(sessionmaker, handler)
    b = InboundProcessor(sessionmaker, handler)
    totals = await asyncio.gather(a.run_once(), b.run_once())
    assert sum(totals) == 36
    if _backend() != "sqlite":  # SQLite serialises writers, so one worker may do everything there
        assert min(totals) > 0
    assert overlaps == []
    assert all(order == list(range(6)) for order in seen.values())
    assert await _pending(sessionmaker) == 0


async def test_one_transaction_takes_several_residents_and_skips_one_that_waits(
    sessionmaker,
) -> None:
    """Up to RESIDENTS_PER_TRANSACTION residents share a commit; a resident whose event failed
    is tried once per transaction, not again and again, and does not hold the others up."""
    residents = await _seed(sessionmaker, residents=10, per_resident=1)
    failing = residents[0]
    commits: list[set[int]] = []
    current: set[int] = set()

    async def handler(session: AsyncSession, event: InboundEvent) -> None:
        if event.resident_id == failing:
            raise ValueError("not now")
        current.add(event.resident_id)

    processor = InboundProcessor(sessionmaker, handler)
    real = processor._process_some_residents

    async def counted() -> tuple[int, bool]:
        result = await real()
        commits.append(set(current))
        current.clear()
        return result

    processor._process_some_residents = counted  # type: ignore[method-assign]
    assert await processor.run_once() == 9

    # The failing resident came first in both transactions; seven others shared the first.
    assert [len(done) for done in commits] == [7, 2]
    assert sorted(set().union(*commits)) == residents[1:]
    async with sessionmaker() as session:
        event = await session.scalar(
            select(InboundEvent).where(InboundEvent.resident_id == failing)
        )
    assert event is not None
    assert (event.attempts, event.processed_at) == (2, None)
