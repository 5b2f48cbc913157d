"""The SQLite driver: one thread hop per statement, results whole, large results read in chunks."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import create_engine, create_read_sessionmaker
from app.db.sqlite_driver import PREFETCH_ROWS, OneHopConnection


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every call handed to a connection's thread, in order."""
    seen: list[str] = []
    original = OneHopConnection._execute

    async def counted(self: OneHopConnection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", type(fn).__name__))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(OneHopConnection, "_execute", counted)
    return seen


async def _fill(conn: AsyncConnection, count: int) -> None:
    await conn.execute(
        text("INSERT INTO item (name) VALUES (:name)"),
        [{"name": f"item {n:05d}"} for n in range(count)],
    )


async def test_a_statement_is_one_hop_and_so_is_its_commit(
    engine: AsyncEngine, hops: list[str]
) -> None:
    async with engine.connect() as conn:
        # BEGIN IMMEDIATE rides with the first statement; the pool's reset after the commit
        # finds no transaction open and costs nothing.
        await conn.execute(text("INSERT INTO item (name) VALUES ('a')"))
        found = (await conn.execute(text("SELECT id, name FROM item"))).all()
        await conn.commit()
    assert hops == ["_run", "_run", "commit"]
    assert [tuple(row) for row in found] == [(1, "a")]


async def test_a_read_only_session_costs_its_statements_and_its_end(
    engine: AsyncEngine, hops: list[str]
) -> None:
    async with create_read_sessionmaker(engine)() as session:
        assert (await session.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
    # BEGIN and query_only=ON ride with the SELECT, query_only=OFF with the rollback.
    assert hops == ["_run", "rollback"]
    async with engine.begin() as conn:  # the connection takes writes again
        await conn.execute(text("INSERT INTO item (name) VALUES ('after')"))


async def test_a_deferred_begin_that_fails_fails_its_statement_and_frees_the_gate(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("PRAGMA busy_timeout=50"))
        await conn.commit()
        other = sqlite3.connect(tmp_path / "driver.db", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        with pytest.raises(OperationalError, match="locked"):
            await conn.execute(text("INSERT INTO item (name) VALUES ('blocked')"))
        await conn.rollback()
        other.execute("ROLLBACK")
        other.close()
        await conn.execute(text("INSERT INTO item (name) VALUES ('later')"))
        await conn.commit()
    async with engine.connect() as conn:  # the gate was handed on: a second writer gets in
        await conn.execute(text("INSERT INTO item (name) VALUES ('next')"))
        await conn.commit()
        names = (await conn.execute(text("SELECT name FROM item ORDER BY id"))).scalars().all()
    assert names == ["later", "next"]


async def test_a_result_larger_than_a_chunk_comes_whole_and_in_order(engine: AsyncEngine) -> None:
    count = PREFETCH_ROWS * 2 + 500
    async with engine.begin() as conn:
        await _fill(conn, count)
        names = (await conn.execute(text("SELECT name FROM item ORDER BY id"))).scalars().all()
    assert len(names) == count
    assert names[0] == "item 00000"
    assert names[-1] == f"item {count - 1:05d}"


async def test_a_streamed_result_is_read_a_chunk_at_a_time(
    engine: AsyncEngine, hops: list[str]
) -> None:
    count = PREFETCH_ROWS * 2 + 500
    async with engine.begin() as conn:
        await _fill(conn, count)
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
        hops.clear()
        result = await conn.stream(text("SELECT name FROM item ORDER BY id"))
        seen = 0
        async for part in result.partitions(100):
            seen += len(part)
        await conn.commit()
        # The statement with its first chunk, two more chunks (the last one short), the commit.
        assert hops == ["_run", "_take", "_take", "commit"]
    assert seen == count


async def test_a_result_left_half_read_releases_its_table(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await _fill(conn, PREFETCH_ROWS * 2)
    async with engine.connect() as conn:
        result = await conn.stream(text("SELECT name FROM item"))
        assert len(await result.fetchmany(10)) == 10
        await result.close()
        # SQLite refuses to drop a table a statement is still reading ("table is locked").
        await conn.execute(text("DROP TABLE item"))
        await conn.commit()


async def test_a_refused_statement_raises_and_leaves_the_connection_usable(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("INSERT INTO item (name) VALUES ('twice')"))
        with pytest.raises(IntegrityError):
            await conn.execute(text("INSERT INTO item (name) VALUES ('twice')"))
        assert (await conn.execute(text("SELECT count(*) FROM item"))).scalar_one() == 1
        await conn.commit()


async def test_rowcount_and_lastrowid_reach_sqlalchemy(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO item (name) VALUES ('first')"))
        assert inserted.lastrowid == 1
        await _fill(conn, 5)
        changed = await conn.execute(text("UPDATE item SET name = name || '!' WHERE id > 3"))
        assert changed.rowcount == 3


async def test_a_read_only_session_still_refuses_a_write(engine: AsyncEngine) -> None:
    async with create_read_sessionmaker(engine)() as session:
        assert (await session.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
        with pytest.raises(OperationalError, match="readonly"):
            await session.execute(text("INSERT INTO item (name) VALUES ('no')"))
