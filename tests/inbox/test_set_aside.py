"""An event that fails for good is set aside, never in silence: marked, counted, logged, told."""

from __future__ import annotations

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.models import InboundEvent
from app.inbox.processor import InboundProcessor
from app.observability import REGISTRY
from app.residents.models import Resident
from tests.support.inbox_failures import load_event, run_until_set_aside, seed_messages


def _set_aside_total(kind: str) -> float:
    value = REGISTRY.get_sample_value("loket_inbox_set_aside_total", {"kind": kind})
    return value or 0.0


async def _boom_on_first(session: AsyncSession, event: InboundEvent) -> None:
    if event.payload["message"]["text"]["body"] == "boom":
        session.add(Resident(wa_id="rolled-back"))  # must vanish with the failed savepoint
        raise ValueError("cannot read this")


async def test_a_set_aside_event_is_marked_counted_and_logged(sessionmaker) -> None:
    failing, later = await seed_messages(sessionmaker, ["boom", "halo"])
    before = _set_aside_total("message")
    worker = InboundProcessor(sessionmaker, _boom_on_first)

    with structlog.testing.capture_logs() as logs:
        await run_until_set_aside(worker)

    event = await load_event(sessionmaker, failing)
    assert event.failed_at is not None
    assert event.processed_at == event.failed_at  # it no longer blocks the resident
    assert (event.attempts, event.last_error) == (3, "ValueError: cannot read this")
    handled = await load_event(sessionmaker, later)
    assert handled.processed_at is not None and handled.failed_at is None
    assert _set_aside_total("message") == before + 1
    errors = [entry for entry in logs if entry["log_level"] == "error"]
    assert errors == [
        {
            "event": "inbound event set aside after repeated failures",
            "event_id": failing,
            "kind": "message",
            "attempts": 3,
            "error": "ValueError: cannot read this",
            "log_level": "error",
        }
    ]


async def test_the_apology_runs_once_in_its_own_savepoint(sessionmaker) -> None:
    (failing,) = await seed_messages(sessionmaker, ["boom"])
    told: list[int] = []

    async def apologise(session: AsyncSession, event: InboundEvent) -> None:
        told.append(event.id)
        session.add(Resident(wa_id="told"))

    worker = InboundProcessor(sessionmaker, _boom_on_first, on_set_aside=apologise)
    await worker.run_once()
    await worker.run_once()
    assert told == []  # not before the last try
    await worker.run_once()
    assert told == [failing]
    assert await worker.run_once() == 0
    assert told == [failing]
    async with sessionmaker() as session:
        names = set((await session.execute(select(Resident.wa_id))).scalars())
    assert names == {"6281234500077", "told"}  # the failed tries' writes are gone


async def test_a_failing_apology_leaves_the_mark_and_the_queue_moving(sessionmaker) -> None:
    failing, later = await seed_messages(sessionmaker, ["boom", "halo"])

    async def broken(session: AsyncSession, event: InboundEvent) -> None:
        session.add(Resident(wa_id="half-told"))
        raise RuntimeError("no outbox today")

    worker = InboundProcessor(sessionmaker, _boom_on_first, on_set_aside=broken)
    with structlog.testing.capture_logs() as logs:
        await run_until_set_aside(worker)

    assert (await load_event(sessionmaker, failing)).failed_at is not None
    assert (await load_event(sessionmaker, later)).processed_at is not None
    async with sessionmaker() as session:
        assert await session.scalar(select(Resident).where(Resident.wa_id == "half-told")) is None
    assert "could not tell the resident about a set-aside event" in [e["event"] for e in logs]


async def test_a_handled_event_is_not_marked_failed(sessionmaker) -> None:
    (event_id,) = await seed_messages(sessionmaker, ["halo"])

    await InboundProcessor(sessionmaker, _boom_on_first).run_once()

    event = await load_event(sessionmaker, event_id)
    assert event.processed_at is not None
    assert (event.failed_at, event.attempts, event.last_error) == (None, 0, None)
