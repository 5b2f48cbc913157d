"""Shared fixtures: a migrated database per run (SQLite or PostgreSQL), sessions, settings.

The backend comes from `LOKET_TEST_DATABASE`: `sqlite` (default) or a PostgreSQL server URL such
as `postgresql+asyncpg://postgres@127.0.0.1:5432`; a fresh database is created on that server for
the run and dropped after it. Alembic builds the schema, as in production.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import create_engine, create_sessionmaker
from app.models import Base
from tests.support.environment import (
    LIVE_SECRET_KEY,
    _backend,
    fresh_database,
)
from tests.support.rolling import rolling_back


def pytest_report_header() -> str:
    return f"loket test database: {_backend().split('@')[-1]}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _backend().startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set LOKET_TEST_DATABASE to a server URL")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, migrated database for this test run."""
    with fresh_database(tmp_path_factory.mktemp("db"), "loket_test") as url:
        yield url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def db_session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        await conn.begin()
        session = AsyncSession(bind=conn, join_transaction_mode="create_savepoint")
        try:
            yield session
        finally:
            await session.close()
            await conn.rollback()


@pytest.fixture
async def sessionmaker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Real commits, for workers and the webhook; every table is emptied after the test."""
    yield create_sessionmaker(engine)
    async with engine.begin() as conn:
        # Offices form a tree (ON DELETE RESTRICT, checked row by row): cut it first.
        await conn.execute(text("UPDATE office SET parent_id = NULL"))
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(table.delete())


@pytest.fixture
async def rolling_sessionmaker(
    engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Commits go into one connection's transaction, rolled back after the test (no emptying)."""
    async with rolling_back(engine) as sessionmaker:
        yield sessionmaker


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Sandbox settings on the test database, with short retry steps."""
    return Settings(
        DATABASE_URL=database_url,
        LOCKER_URL=f"file:{tmp_path / 'locker'}",
        LOKET_VAR_DIR=tmp_path / "var",
        LOKET_RETRY_BASE_SECONDS=0.01,
        LOKET_LOG_JSON=False,
    )


@pytest.fixture
def live_settings(settings: Settings) -> Settings:
    """Live-mode settings pointing the Graph API at the fake (see tests/fakes/graph.py)."""
    return settings.model_copy(
        update={
            "whatsapp_access_token": _secret("test-access-token"),
            "whatsapp_phone_number_id": "106540352242922",
            "whatsapp_app_secret": _secret("test-app-secret"),
            "whatsapp_verify_token": _secret("test-verify-token"),
            "whatsapp_api_base_url": "http://graph.test",
            "secret_key": _secret(LIVE_SECRET_KEY),
        }
    )


def _secret(value: str) -> SecretStr:
    return SecretStr(value)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new, empty database on the backend under test."""
    with fresh_database(tmp_path, "loket_mig", migrated=False) as url:
        yield url
