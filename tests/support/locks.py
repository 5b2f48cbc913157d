"""Is any transaction open on the test database right now? (SQLite and PostgreSQL)"""

from __future__ import annotations

import asyncio
import sqlite3

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

# Workers run short transactions all the time (claims, lease renewals): a probe may meet one.
# Those end within milliseconds; a transaction held across a download does not end at all.
_TRIES = 50
_PAUSE = 0.1


async def transactions_open(engine: AsyncEngine, database_url: str) -> int:
    """How many transactions stay open on other connections (SQLite: 1 if the write lock stays
    held), probing again for a few seconds until none is (short ones come and go).

    On SQLite every transaction is `BEGIN IMMEDIATE`, so an open one holds the database's write
    lock: a new connection that may not wait (timeout 0) fails to take it. On PostgreSQL an open
    transaction between statements shows as "idle in transaction".
    """
    count = 0
    for _ in range(_TRIES):
        count = await _open_now(engine, database_url)
        if count == 0:
            return 0
        await asyncio.sleep(_PAUSE)
    return count


async def _open_now(engine: AsyncEngine, database_url: str) -> int:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        probe = sqlite3.connect(str(url.database), timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return 0
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
            return 1
        finally:
            probe.close()
    async with engine.connect() as conn:
        count = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = :name AND state LIKE 'idle in transaction%'"
            ),
            {"name": url.database},
        )
        await conn.rollback()
    return int(count or 0)
