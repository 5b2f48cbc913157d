"""SQLite's one writer taken in turn within a process: order, the webhook first, no deadlock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import create_engine, create_sessionmaker, unit_of_work
from app.db.write_gate import WriteGate, urgent_writes


async def _take(gate: WriteGate, name: str, order: list[str], *, urgent: bool = False) -> None:
    if urgent:
        with urgent_writes():
            await gate.acquire(name)
    else:
        await gate.acquire(name)
    order.append(name)


async def test_writers_take_turns_in_arrival_order_the_urgent_first() -> None:
    gate = WriteGate()
    order: list[str] = []
    await gate.acquire("first")
    waiting = [
        asyncio.create_task(_take(gate, "worker 1", order)),
        asyncio.create_task(_take(gate, "worker 2", order)),
        asyncio.create_task(_take(gate, "webhook", order, urgent=True)),
    ]
    await asyncio.sleep(0)
    for holder in ("first", "webhook", "worker 1", "worker 2"):
        gate.release(holder)
        await asyncio.sleep(0)
    await asyncio.gather(*waiting)
    assert order == ["webhook", "worker 1", "worker 2"]
    assert gate.holder is None


async def test_a_release_by_another_holder_changes_nothing() -> None:
    gate = WriteGate()
    await gate.acquire("a")
    gate.release("b")
    assert gate.holder == "a"


async def test_a_cancelled_writer_leaves_the_queue() -> None:
    gate = WriteGate()
    await gate.acquire("first")
    cancelled = asyncio.create_task(gate.acquire("cancelled"))
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    nxt = asyncio.create_task(gate.acquire("next"))
    await asyncio.sleep(0)
    gate.release("first")
    await nxt
    assert gate.holder == "next"


async def test_a_turn_never_handed_over_is_taken_after_the_wait() -> None:
    """A connection lost without its rollback must not hold every later writer up."""
    gate = WriteGate()
    await gate.acquire("lost")
    await gate.acquire("patient", wait=0.01)
    assert gate.holder == "patient"
    gate.release("lost")  # too late: changes nothing
    assert gate.holder == "patient"


@pytest.fixture
async def impatient_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine whose SQLite connections do not wait for the lock at all (busy_timeout 0)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'gate.db'}")

    @event.listens_for(engine.sync_engine, "connect")
    def _no_patience(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0").close()

    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE note (id INTEGER PRIMARY KEY, writer INTEGER)"))
    yield engine
    await engine.dispose()


async def test_concurrent_write_transactions_of_one_process_never_meet_a_locked_database(
    impatient_engine: AsyncEngine,
) -> None:
    """Without the gate, the second BEGIN IMMEDIATE would fail at once ("database is locked")."""
    sessionmaker = create_sessionmaker(impatient_engine)

    async def write(writer: int) -> None:
        async with unit_of_work(sessionmaker) as session:
            await session.execute(text("INSERT INTO note (writer) VALUES (:w)"), {"w": writer})
            await asyncio.sleep(0.005)  # hold the transaction while the others queue
            await session.execute(text("INSERT INTO note (writer) VALUES (:w)"), {"w": writer})

    await asyncio.gather(*(write(n) for n in range(6)))

    async with impatient_engine.connect() as conn:
        rows = [row.writer for row in await conn.execute(text("SELECT writer FROM note"))]
    assert sorted(rows) == sorted(list(range(6)) * 2)
    # One transaction after the other: each writer's two rows are next to each other.
    assert all(rows[i] == rows[i + 1] for i in range(0, len(rows), 2))
