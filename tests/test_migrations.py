"""Alembic builds the schema: upgrade from empty, no drift from the models, downgrade."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from app.db import create_engine, migrate
from app.models import Base

# Alembic runs its own event loop (app/db/migrations/env.py), so these tests call it from a thread.


async def _diff(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:

            def compare(sync_conn):  # type: ignore[no-untyped-def]
                context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return compare_metadata(context, Base.metadata)

            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_matches_the_models(empty_database_url: str) -> None:
    """`upgrade head` on an empty database gives exactly the schema the models describe."""
    await asyncio.to_thread(migrate.upgrade, empty_database_url)
    assert await _diff(empty_database_url) == []
    assert set(Base.metadata.tables) <= await _tables(empty_database_url)


async def test_upgrade_leaves_one_root_office(empty_database_url: str) -> None:
    """A fresh install can route requests: `migrate` leaves one root office."""
    await asyncio.to_thread(migrate.upgrade, empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT code, level, parent_id FROM office"))).all()
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [("PUSAT", "regency", None)]


async def test_downgrade_to_base_and_back(empty_database_url: str) -> None:
    """Every migration has a working downgrade; the schema can be rebuilt after it."""
    await asyncio.to_thread(migrate.upgrade, empty_database_url)
    await asyncio.to_thread(migrate.downgrade, empty_database_url, "base")
    assert await _tables(empty_database_url) <= {"alembic_version"}
    await asyncio.to_thread(migrate.upgrade, empty_database_url)
    assert await _diff(empty_database_url) == []


async def test_is_at_head_reports_an_unmigrated_database(empty_database_url: str) -> None:
    """/readyz relies on this: an empty database is not at head, a migrated one is."""
    engine = create_engine(empty_database_url)
    try:
        assert await migrate.is_at_head(engine) is False
        await asyncio.to_thread(migrate.upgrade, empty_database_url)
        assert await migrate.is_at_head(engine) is True
    finally:
        await engine.dispose()
