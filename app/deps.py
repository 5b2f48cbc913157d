"""Dependencies shared by the HTTP surfaces (API and dashboard)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from app.runtime import Runtime

_WRITES = "__loket_writes_on_get__"
_READ_METHODS = frozenset({"GET", "HEAD"})
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def writes_on_get(endpoint: Endpoint) -> Endpoint:
    """Mark a GET route that writes in its session (an audited download): it gets a unit of work
    like a POST instead of the read-only session every other GET gets."""
    setattr(endpoint, _WRITES, True)
    return endpoint


def reads_only(request: HTTPConnection) -> bool:
    """Whether this request's session only reads: a GET or HEAD whose route is not marked
    `writes_on_get`."""
    endpoint = request.scope.get("endpoint")
    return request.scope.get("method") in _READ_METHODS and not getattr(endpoint, _WRITES, False)


@asynccontextmanager
async def read_session(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """A session that only reads, its transaction ended (rolled back) when the block ends."""
    async with runtime.read_sessionmaker() as session:
        yield session


@asynccontextmanager
async def request_session(request: HTTPConnection, runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """The session of one HTTP call: read-only for a plain GET, else a unit of work."""
    if reads_only(request):
        async with read_session(runtime) as session:
            yield session
    else:
        async with unit_of_work_session(runtime) as session:
            yield session


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
