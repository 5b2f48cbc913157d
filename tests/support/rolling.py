"""Sessions that commit into a savepoint of one connection's transaction, rolled back at the end.

A domain test that needs no second connection (no worker, no app, no lock taken elsewhere) uses
them through the `rolling_sessionmaker` fixture and leaves nothing to empty afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker


@asynccontextmanager
async def rolling_back(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A sessionmaker whose commits are undone when the block ends."""
    async with engine.connect() as conn:
        await conn.begin()
        try:
            yield async_sessionmaker(
                bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        finally:
            await conn.rollback()
