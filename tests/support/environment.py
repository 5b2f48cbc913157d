"""Where the test data lives, the test secret key, and which database the tests run on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import create_engine

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures"

# Recorded Meta webhook payloads (copied from the shared research folder; see SOURCES.md there).
PAYLOADS_DIR = FIXTURES_DIR / "payloads"

# Live mode refuses a session key shorter than 32 bytes (app.config.MIN_SECRET_KEY_BYTES).
LIVE_SECRET_KEY = "test-secret-key-of-thirty-two-bytes-or-more"

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _backend() -> str:
    return os.environ.get("LOKET_TEST_DATABASE", "sqlite")


def _pg_admin(server: str, statement: str) -> None:
    import asyncio

    async def run() -> None:
        engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(statement))
        finally:
            await engine.dispose()

    try:
        asyncio.run(run())
    except OSError as exc:  # server not answering
        if IN_CI:
            raise
        pytest.skip(f"PostgreSQL at {server} is not answering: {exc}")


@contextmanager
def fresh_database(directory: Path, prefix: str, *, migrated: bool = True) -> Iterator[str]:
    """A new database on the backend under test (migrated unless asked not to), dropped after.

    SQLite: a file `<prefix>.db` in `directory`. PostgreSQL: a database named `<prefix>_<random>`
    on the server `LOKET_TEST_DATABASE` names.
    """
    from app.db import migrate

    backend = _backend()
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{directory / f'{prefix}.db'}"
        if migrated:
            migrate.upgrade(url)
        yield url
        return
    server = backend.rstrip("/")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _pg_admin(server, f'CREATE DATABASE "{name}"')
    try:
        url = f"{server}/{name}"
        if migrated:
            migrate.upgrade(url)
        yield url
    finally:
        _pg_admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
