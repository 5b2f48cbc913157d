"""Fixtures for the locker's database tests: residents and a plain local store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.storage.locker.file_backend import FileBackend
from app.storage.locker.policy import LockerPolicy
from app.storage.locker.store import BlobStore

from .support import make_resident


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """Like `db_session` (rolled back after the test) but with `expire_on_commit=False`, as the
    project's sessionmaker makes them: the locker commits its short writes itself."""
    async with engine.connect() as conn:
        await conn.begin()
        made = AsyncSession(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield made
        finally:
            await made.close()
            await conn.rollback()


@pytest.fixture
async def resident_id(session: AsyncSession) -> int:
    return await make_resident(session)


@pytest.fixture
async def file_store(tmp_path: Path) -> AsyncIterator[BlobStore]:
    store = BlobStore(FileBackend(tmp_path / "locker"))
    yield store
    await store.aclose()


@pytest.fixture
def policy(tmp_path: Path) -> LockerPolicy:
    spool = tmp_path / "spool"
    spool.mkdir()
    return LockerPolicy(spool_dir=spool)
