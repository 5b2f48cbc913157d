"""SQLite's one writer, taken in turn within a process instead of by SQLite's sleeping retries.

SQLite lets one transaction write at a time. A `BEGIN IMMEDIATE` that finds the lock taken is
retried by SQLite's busy handler, which sleeps between tries (1 ms at first, up to 100 ms). With
the webhook's group commit, the conversation steps and thirty-odd outbox senders in one process
(`make run`), most writers spent their time asleep in that handler while the lock was free, and
the webhook's p99 reached seconds (bench/RESULTS.md). Within one process the writers now queue
here: the lock passes from one to the next the moment a transaction ends, in arrival order, with
the webhook's writes (`urgent_writes()`) ahead of the workers', since Meta waits for their 200.

Between processes (a `loket worker` beside `loket serve` on one SQLite file) SQLite's own
locking still applies. A turn not handed over within `WAIT_SECONDS` (the database's busy
timeout) is taken with a warning, so a lost hand-over can cost speed but never stop writers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterator
from contextvars import ContextVar

import structlog

log = structlog.get_logger(__name__)

# As long as SQLite's busy_timeout (app.db): past it the writer goes to SQLite's own locking.
WAIT_SECONDS = 30.0

_urgent: ContextVar[bool] = ContextVar("loket_urgent_write", default=False)


@contextlib.contextmanager
def urgent_writes() -> Iterator[None]:
    """Write transactions begun inside this block go ahead of the others waiting."""
    token = _urgent.set(True)
    try:
        yield
    finally:
        _urgent.reset(token)


class WriteGate:
    """Who may begin a write transaction next, in one process and one event loop."""

    def __init__(self) -> None:
        self._holder: object | None = None
        self._urgent: deque[tuple[object, asyncio.Future[None]]] = deque()
        self._normal: deque[tuple[object, asyncio.Future[None]]] = deque()

    @property
    def holder(self) -> object | None:
        return self._holder

    async def acquire(self, holder: object, *, wait: float = WAIT_SECONDS) -> None:
        """Wait for the turn of `holder` (a connection).

        After `wait` seconds the turn is taken anyway: the gate only spares SQLite's sleeping
        retries, SQLite's lock still keeps writers apart, and a holder that never handed the
        turn on (a connection lost without its rollback) must not hold up every writer after it.
        """
        if self._holder is None and not self._urgent and not self._normal:
            self._holder = holder
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if _urgent.get() else self._normal
        entry = (holder, future)
        queue.append(entry)
        try:
            async with asyncio.timeout(wait):
                await future
        except BaseException as exc:
            if future.done() and not future.cancelled():
                if isinstance(exc, TimeoutError):
                    return  # the turn came just as the wait ran out
                self.release(holder)  # it came just as we were cancelled: pass it on
                raise
            future.cancel()
            with contextlib.suppress(ValueError):
                queue.remove(entry)
            if not isinstance(exc, TimeoutError):
                raise
            log.warning("sqlite write gate not handed over in time; taking the turn")
            self._holder = holder

    def release(self, holder: object) -> None:
        """End the turn of `holder`, if it has it, and hand it to the next writer waiting."""
        if self._holder is not holder:
            return
        self._holder = None
        for queue in (self._urgent, self._normal):
            while queue:
                waiter, future = queue.popleft()
                if not future.done():
                    self._holder = waiter
                    future.set_result(None)
                    return
