"""Group commit for the webhook: many concurrent deliveries, one transaction, one fsync.

Meta delivers webhooks concurrently, and each delivery may be answered 200 only once its updates
are durable. Committing each delivery on its own costs one fsync per delivery, which caps an
SQLite deployment at a few hundred deliveries a second. The batcher instead collects the updates
of every delivery that arrives within `max_wait_ms` of the first one (or until `max_batch`
updates are waiting), writes them all in one transaction, and only then resolves every waiter.
On PostgreSQL several such transactions may be in flight at once (`max_in_flight`): a batch
spends most of its time waiting for round trips, and the next one need not wait for it, as it
would not if it had reached another `serve` process. SQLite has one writer, so one batch at a
time, in arrival order.
If the database refuses that transaction, its deliveries are written again one transaction each,
so one delivery it cannot take does not fail its neighbours (and a deadlock gets a second chance).
A delivery whose own transaction fails, or any delivery when the database cannot be reached, gets
the exception: nothing is acknowledged unless it was stored.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import structlog
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db.write_gate import urgent_writes
from app.inbox.repository import StorableUpdate, StoreOutcome, store_updates
from app.observability import INGEST_BATCH_SIZE, WEBHOOK_STAGE_SECONDS
from app.residents.repository import ResidentConflictError

log = structlog.get_logger(__name__)

_STAGE_QUEUE = WEBHOOK_STAGE_SECONDS.labels(stage="queue")
_STAGE_COMMIT = WEBHOOK_STAGE_SECONDS.labels(stage="commit")


def _refused_by_database(exc: Exception) -> bool:
    """The database answered and refused this batch (a constraint, a deadlock, a value it cannot
    hold), as opposed to being unreachable, where retrying piece by piece would only multiply the
    wait."""
    if isinstance(exc, ResidentConflictError):
        return True
    return isinstance(exc, DBAPIError) and not exc.connection_invalidated


class IngestClosedError(RuntimeError):
    """The batcher is shut down (or was stopped mid-batch): nothing was stored."""


@dataclass
class _Submission:
    updates: Sequence[StorableUpdate]
    future: asyncio.Future[StoreOutcome]
    enqueued_at: float


class IngestBatcher:
    """Stores webhook updates in shared transactions. One writer task per process.

    `await submit(updates)` returns this submission's own `StoreOutcome` once the transaction
    holding it has committed; a key submitted twice in one batch counts as stored for the first
    submission and as a duplicate for the second.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        max_wait_ms: float = 2.0,
        max_batch: int = 256,
        max_in_flight: int = 1,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._max_wait = max(0.0, max_wait_ms) / 1000.0
        self._max_batch = max(1, max_batch)
        self._max_in_flight = max(1, max_in_flight)
        self._writing: set[asyncio.Task[None]] = set()
        self._written = asyncio.Event()  # a batch finished: a slot may be free
        self._queue: deque[_Submission] = deque()
        self._queued_updates = 0
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._listeners: list[Callable[[], None]] = []
        self.transactions = 0
        """Committed batches so far (for tests and diagnostics)."""

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every commit that stored new rows (e.g. to wake the worker)."""
        self._listeners.append(callback)

    async def submit(self, updates: Sequence[StorableUpdate]) -> StoreOutcome:
        """Store `updates` durably; raises whatever made their transaction fail."""
        return await self.enqueue(updates)

    def enqueue(self, updates: Sequence[StorableUpdate]) -> asyncio.Future[StoreOutcome]:
        """Queue `updates` now and return the future `submit` awaits (must run in the loop)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[StoreOutcome] = loop.create_future()
        if not updates:  # nothing to make durable: no transaction at all
            future.set_result(StoreOutcome(stored=0, duplicates=0))
            return future
        if self._closed:
            future.set_exception(IngestClosedError("the inbox is shutting down"))
            return future
        self._queue.append(_Submission(list(updates), future, loop.time()))
        self._queued_updates += len(updates)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run(), name="inbox-ingest")
        if len(self._queue) == 1 or self._queued_updates >= self._max_batch:
            self._wake.set()
        return future

    async def aclose(self) -> None:
        """Write what is waiting, then stop; later submissions raise `IngestClosedError`."""
        self._closed = True
        self._wake.set()
        if self._task is not None:
            await self._task
        while self._writing:
            await asyncio.wait(self._writing)
        self._fail(list(self._queue), IngestClosedError("the inbox was shut down"))
        self._queue.clear()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue or not self._closed:
            if not self._queue:
                self._wake.clear()
                await self._wake.wait()
                continue
            while len(self._writing) >= self._max_in_flight:
                self._written.clear()
                await self._written.wait()
            # Wait for company, at most max_wait after the oldest submission arrived.
            deadline = self._queue[0].enqueued_at + self._max_wait
            while self._queued_updates < self._max_batch and not self._closed:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), remaining)
                except TimeoutError:
                    break
            task = loop.create_task(self._write(self._take()), name="inbox-ingest-batch")
            self._writing.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._writing.discard(task)
        self._written.set()

    def _take(self) -> list[_Submission]:
        """Whole submissions up to `max_batch` updates (at least one, however large)."""
        batch = [self._queue.popleft()]
        size = len(batch[0].updates)
        while self._queue and size + len(self._queue[0].updates) <= self._max_batch:
            batch.append(self._queue.popleft())
            size += len(batch[-1].updates)
        self._queued_updates -= size
        return batch

    async def _write(self, batch: list[_Submission]) -> None:
        updates = [item for submission in batch for item in submission.updates]
        loop = asyncio.get_running_loop()
        now = loop.time()
        for submission in batch:
            _STAGE_QUEUE.observe(now - submission.enqueued_at)
        try:
            # Meta waits for these: ahead of the workers for SQLite's one writer.
            with urgent_writes():
                async with self._sessionmaker() as session:
                    async with session.begin():
                        outcome = await store_updates(session, updates)
                        committing = loop.time()
                    _STAGE_COMMIT.observe(loop.time() - committing)
        except Exception as exc:
            if len(batch) > 1 and _refused_by_database(exc):
                log.warning("inbox batch failed; storing its deliveries one by one", exc_info=exc)
                for submission in batch:
                    if not submission.future.done():
                        await self._write([submission])
                return
            log.error("inbox delivery not stored", updates=len(updates), error=type(exc).__name__)
            self._fail(batch, exc)
            return
        except BaseException:  # cancelled mid-write: the waiters must not hang
            self._fail(batch, IngestClosedError("stopped before the batch was stored"))
            raise
        self.transactions += 1
        INGEST_BATCH_SIZE.observe(len(updates))
        log.debug("inbox batch stored", updates=len(updates), stored=outcome.stored)
        claimed: set[str] = set()
        for submission in batch:
            mine = {
                item.dedup_key
                for item in submission.updates
                if item.dedup_key in outcome.stored_keys and item.dedup_key not in claimed
            }
            claimed |= mine
            if not submission.future.done():
                submission.future.set_result(
                    StoreOutcome(
                        stored=len(mine),
                        duplicates=len(submission.updates) - len(mine),
                        stored_keys=frozenset(mine),
                    )
                )
        if outcome.stored:
            self._notify()

    def _notify(self) -> None:
        for callback in self._listeners:
            try:
                callback()
            except Exception:  # a listener's bug must not fail deliveries already stored
                log.exception("inbox listener failed")

    @staticmethod
    def _fail(batch: list[_Submission], exc: Exception) -> None:
        for submission in batch:
            if not submission.future.done():
                submission.future.set_exception(exc)
