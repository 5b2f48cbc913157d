"""The processing worker: takes inbox events in order per resident and runs the conversation step.

Exclusivity without long-lived leases: a worker locks the *oldest* pending event of a resident
(PostgreSQL: `FOR UPDATE SKIP LOCKED`). Any other worker looking at that resident sees the same
oldest event locked and skips the resident, so one resident is never handled by two workers at
once, and the resident's events run in arrival order. Everything an event causes (session state,
outbox rows, `processed_at`) commits in one transaction: a crash before the commit leaves the
event pending for the next worker, and one after it leaves nothing to redo. A transaction takes
a few residents in turn, each event in a savepoint of its own, so one commit serves several.
On SQLite every transaction is `BEGIN IMMEDIATE`, which serialises workers by itself.

An event that fails `MAX_ATTEMPTS` times is set aside, never in silence: `failed_at` marks it
(an admin lists and retries it: `loket inbox failed|retry`, the dashboard's inbox page), the
failure is counted (`loket_inbox_set_aside_total`) and logged as an error with the event id, and
`on_set_aside` (the conversation's apology to the resident) runs in a savepoint of its own after
the failed one rolled back, committed with the mark.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog
from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from app.db import is_postgres, unit_of_work, utcnow
from app.inbox.models import InboundEvent
from app.observability import INBOX_FAILED, INBOX_LAG, INBOX_PENDING, INBOX_SET_ASIDE

log = structlog.get_logger(__name__)

# Handles one event inside the worker's transaction; raising rolls back just that event.
EventHandler = Callable[[AsyncSession, InboundEvent], Awaitable[None]]
# Runs once when an event is set aside (after its last try rolled back), in its own savepoint.
SetAsideHandler = Callable[[AsyncSession, InboundEvent], Awaitable[None]]

BATCH_PER_RESIDENT = 20
# Residents whose turns share one transaction: one commit (on SQLite, one fsync) for several
# residents, while the transaction stays a few tens of milliseconds long.
RESIDENTS_PER_TRANSACTION = 8
# The pending/failed gauges count the whole inbox: at most this often, not after every wake-up.
GAUGE_EVERY_SECONDS = 5.0
# An event that keeps failing is set aside after this many tries so it cannot block the resident.
MAX_ATTEMPTS = 3


async def _claim_oldest(session: AsyncSession, visited: set[int]) -> InboundEvent | None:
    """Lock the oldest pending event of some resident no other worker is handling, leaving out
    the residents this transaction has `visited` (one whose event must wait for a retry stays
    pending, and must not be taken again at once)."""
    stmt = _claim_statement(is_postgres(session))
    return (await session.execute(stmt, {"visited": sorted(visited)})).scalar_one_or_none()


async def _pending_of(session: AsyncSession, resident_id: int) -> list[InboundEvent]:
    stmt = _pending_statement(is_postgres(session))
    return list((await session.execute(stmt, {"resident_id": resident_id})).scalars())


# Built once per dialect and executed with parameters: building a statement costs more Python
# than running a cached one (bench/RESULTS.md, "5 December 2026, morning"), and these run on
# every step.
@functools.cache
def _claim_statement(postgres: bool) -> Select[InboundEvent]:
    older = aliased(InboundEvent)
    oldest_of_resident = ~(
        select(older.id)
        .where(
            and_(
                older.resident_id == InboundEvent.resident_id,
                older.processed_at.is_(None),
                older.id < InboundEvent.id,
            )
        )
        .exists()
    )
    stmt = (
        select(InboundEvent)
        .where(InboundEvent.processed_at.is_(None), oldest_of_resident)
        .where(InboundEvent.resident_id.not_in(bindparam("visited", expanding=True)))
        .order_by(InboundEvent.id)
        .limit(1)
    )
    return stmt.with_for_update(skip_locked=True) if postgres else stmt


@functools.cache
def _pending_statement(postgres: bool) -> Select[InboundEvent]:
    stmt = (
        select(InboundEvent)
        .where(
            InboundEvent.resident_id == bindparam("resident_id"),
            InboundEvent.processed_at.is_(None),
        )
        .order_by(InboundEvent.id)
        .limit(BATCH_PER_RESIDENT)
    )
    return stmt.with_for_update() if postgres else stmt


class InboundProcessor:
    """Drains the inbox. `run_once()` for tests and scripts, `run(stop)` for the worker loop."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        handler: EventHandler,
        *,
        poll_seconds: float = 0.5,
        clock: Callable[[], datetime] = utcnow,
        on_processed: Callable[[], None] | None = None,
        on_set_aside: SetAsideHandler | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._handler = handler
        self._on_set_aside = on_set_aside
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._on_processed = on_processed
        self._wake = asyncio.Event()
        self._gauge_due = 0.0

    def notify(self) -> None:
        """Wake the loop early: new events were stored in this process."""
        self._wake.set()

    async def run_once(self) -> int:
        """Process everything pending now; return how many events were handled."""
        total = 0
        while True:
            handled, more = await self._process_some_residents()
            total += handled
            if handled == 0 or not more:
                break
        if total and self._on_processed is not None:
            self._on_processed()
        return total

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            # Cleared before looking, so a notify() arriving while we work is not lost.
            self._wake.clear()
            try:
                await self.run_once()
                if time.monotonic() >= self._gauge_due:
                    self._gauge_due = time.monotonic() + GAUGE_EVERY_SECONDS
                    await self._update_gauge()
            except Exception:  # keep the worker alive; the event stays pending and is retried
                log.exception("inbound processing failed")
            waiter = asyncio.create_task(self._wake.wait())
            stopper = asyncio.create_task(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            waiter.cancel()
            stopper.cancel()

    async def _process_some_residents(self) -> tuple[int, bool]:
        """One transaction: the pending events of up to `RESIDENTS_PER_TRANSACTION` residents.
        How many events were handled, and whether other residents may still be waiting."""
        handled = 0
        cut_short = False  # a resident had more events than one batch takes
        async with unit_of_work(self._sessionmaker) as session:
            visited: set[int] = set()
            while len(visited) < RESIDENTS_PER_TRANSACTION:
                first = await _claim_oldest(session, visited)
                if first is None:
                    return handled, cut_short
                visited.add(first.resident_id)
                events = await _pending_of(session, first.resident_id)
                cut_short = cut_short or len(events) == BATCH_PER_RESIDENT
                for event in events:
                    if not await self._handle(session, event):
                        break  # keep the resident's order: later events wait for this one
                    handled += 1
        return handled, True

    async def _handle(self, session: AsyncSession, event: InboundEvent) -> bool:
        """Run the handler in a savepoint; False when the event must be retried later."""
        structlog.contextvars.bind_contextvars(
            resident_id=event.resident_id, inbound_id=event.id, external_id=event.external_id
        )
        try:
            try:
                async with session.begin_nested():
                    await self._handler(session, event)
            except Exception as exc:
                event.attempts += 1
                event.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if event.attempts < MAX_ATTEMPTS:
                    log.warning("event failed; will retry", attempts=event.attempts)
                    return False
                await self._set_aside(session, event)
                return True
            now = self._clock()
            event.processed_at = now
            INBOX_LAG.observe(max(0.0, (now - event.received_at).total_seconds()))
            return True
        finally:
            structlog.contextvars.unbind_contextvars("resident_id", "inbound_id", "external_id")

    async def _set_aside(self, session: AsyncSession, event: InboundEvent) -> None:
        """Stop trying `event` so the resident's later events can run, and say so everywhere."""
        now = self._clock()
        event.processed_at = now
        event.failed_at = now
        INBOX_SET_ASIDE.labels(kind=event.kind).inc()
        log.error(
            "inbound event set aside after repeated failures",
            event_id=event.id,
            kind=event.kind,
            attempts=event.attempts,
            error=event.last_error,
        )
        if self._on_set_aside is None:
            return
        try:
            async with session.begin_nested():
                await self._on_set_aside(session, event)
        except Exception:  # the mark must stand even if telling the resident fails
            log.exception("could not tell the resident about a set-aside event", event_id=event.id)

    async def _update_gauge(self) -> None:
        async with self._sessionmaker() as session:
            count = await session.scalar(
                select(func.count()).where(InboundEvent.processed_at.is_(None))
            )
            failed = await session.scalar(
                select(func.count()).where(InboundEvent.failed_at.is_not(None))
            )
        INBOX_PENDING.set(count or 0)
        INBOX_FAILED.set(failed or 0)
