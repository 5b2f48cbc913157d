"""Dependencies shared by the HTTP surfaces (API and dashboard)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from app.runtime import Runtime


@asynccontextmanager
async def unit_of_work_session(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """One unit of work per HTTP call: committed before the response, rolled back on error.

    Unlike `app.db.unit_of_work`, the code inside may commit on its own (the locker
    commits its audit row before serving a file); whatever is left is committed at the end.
    """
    async with runtime.sessionmaker() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        await session.commit()
