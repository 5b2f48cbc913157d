"""The background workers of one process, started and stopped together.

`loket serve` runs them beside the HTTP server unless `--no-workers`; `loket worker` runs only them.
Stopping is graceful: the loops are told to stop, get a few seconds to finish the unit of work
they are in, and then the outbox leases this process holds are released so another process can
take over at once instead of waiting for the leases to expire.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog

from app.conversations.failures import build_set_aside_handler
from app.conversations.reminders import queue_timeouts
from app.conversations.retention import redact_expired
from app.conversations.service import build_event_handler
from app.db import utcnow
from app.db.migrate import is_at_head
from app.inbox.processor import InboundProcessor
from app.intake.worker import MediaWorker
from app.locker import purge
from app.memory.expiry_reminders import send_due_expiry_reminders
from app.outbox.attachments import RoutedAttachments
from app.outbox.sender import OutboxSender
from app.requests import pickup_qr
from app.requests.issued_files import IssuedAttachments
from app.requests.issued_send import REFERENCE_PREFIX
from app.requests.pickup_reminders import send_due_reminders
from app.runtime import Runtime
from app.workers.wakeups import INBOX_CHANNEL, OUTBOX_CHANNEL, Wakeups

log = structlog.get_logger(__name__)

STOP_GRACE_SECONDS = 7.0
# Deadlines are as short as a minute ("Ada foto lain?" moves on after one): scan often enough
# that the next question comes within seconds of it. One indexed query per scan.
REMINDER_SCAN_SECONDS = 10.0
# Pickup reminders fall due at the office's opening time; a minute late is on time enough.
PICKUP_SCAN_SECONDS = 60.0
MIGRATION_POLL_SECONDS = 2.0
RETENTION_EVERY_SECONDS = 24 * 3600.0


class WorkerSet:
    """Inbound processing, media, reminders, retention and outbound sending for one process."""

    def __init__(self, runtime: Runtime) -> None:
        settings = runtime.settings
        self.runtime = runtime
        self.outbox = OutboxSender(
            runtime.sessionmaker,
            runtime.sender,
            settings,
            worker_id=runtime.worker_id,
            attachments=RoutedAttachments(
                {
                    REFERENCE_PREFIX: IssuedAttachments(runtime.sessionmaker, runtime.store),
                    pickup_qr.REFERENCE_PREFIX: pickup_qr.PickupQrImages(),
                }
            ),
        )
        self.inbound = InboundProcessor(
            runtime.sessionmaker,
            build_event_handler(runtime),
            poll_seconds=settings.worker_poll_seconds,
            on_processed=self._after_turns,
            on_set_aside=build_set_aside_handler(runtime),
        )
        self.media = MediaWorker(
            runtime.sessionmaker,
            runtime.store,
            runtime.media_source,
            runtime.catalog,
            worker_id=runtime.worker_id,
            lease_seconds=settings.worker_lease_seconds,
            concurrency=settings.media_concurrency,
            poll_seconds=settings.worker_poll_seconds,
            on_done=self.inbound.notify,
        )
        runtime.ingest.add_listener(self.inbound.notify)
        self.wakeups: Wakeups | None = None
        if settings.worker_listen and Wakeups.supported(runtime.engine):
            self.wakeups = Wakeups(
                runtime.engine,
                {INBOX_CHANNEL: self.inbound.notify, OUTBOX_CHANNEL: self.outbox.notify},
            )
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._stop.clear()
        self._tasks = [asyncio.create_task(self._run_when_migrated(), name="workers")]

    async def _run_when_migrated(self) -> None:
        """Wait for `loket migrate` (serve never migrates), then run every loop until stopped."""
        warned = False
        while not self._stop.is_set():
            try:
                if await is_at_head(self.runtime.engine):
                    break
            except Exception:  # the database is not answering yet
                pass
            if not warned:
                log.warning("workers wait for the database to be migrated (`loket migrate`)")
                warned = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=MIGRATION_POLL_SECONDS)
        if self._stop.is_set():
            return
        loops = [
            asyncio.create_task(self.inbound.run(self._stop), name="inbound"),
            asyncio.create_task(self.outbox.run(self._stop), name="outbox"),
            asyncio.create_task(self.media.run(self._stop), name="media"),
            asyncio.create_task(self._reminders(), name="reminders"),
            asyncio.create_task(self._pickup_reminders(), name="pickup-reminders"),
            asyncio.create_task(self._retention(), name="retention"),
        ]
        if self.wakeups is not None:
            loops.append(asyncio.create_task(self.wakeups.run(self._stop), name="wakeups"))
        log.info("workers started", worker_id=self.runtime.worker_id)
        try:
            await asyncio.gather(*loops)
        finally:
            for loop in loops:
                loop.cancel()
            await asyncio.gather(*loops, return_exceptions=True)

    async def stop(self) -> None:
        self._stop.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=STOP_GRACE_SECONDS)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        for worker in (self.outbox, self.media):
            with contextlib.suppress(Exception):
                await worker.release()
        self._tasks = []
        log.info("workers stopped", worker_id=self.runtime.worker_id)

    def _after_turns(self) -> None:
        # Turns write replies and media jobs: wake the workers that handle them.
        self.outbox.notify()
        self.media.notify()

    async def _reminders(self) -> None:
        while not self._stop.is_set():
            try:
                runtime = self.runtime
                if await queue_timeouts(runtime.sessionmaker, utcnow(), runtime.read_sessionmaker):
                    self.inbound.notify()
            except Exception:
                log.exception("reminder scan failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=REMINDER_SCAN_SECONDS)

    async def _pickup_reminders(self) -> None:
        """Remind residents of documents still waiting at the office to be collected, and of
        remembered permits (a boat's SIPI) that end in 30 days."""
        while not self._stop.is_set():
            try:
                runtime, now = self.runtime, utcnow()
                sent = await send_due_reminders(
                    runtime.sessionmaker, now, catalog=runtime.catalog, settings=runtime.settings
                )
                # Permits a resident's remembered boat holds: 30 days before they end.
                sent += await send_due_expiry_reminders(
                    runtime.sessionmaker, now, catalog=runtime.catalog, settings=runtime.settings
                )
                if sent:
                    self.outbox.notify()
            except Exception:
                log.exception("pickup reminder scan failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=PICKUP_SCAN_SECONDS)

    async def _retention(self) -> None:
        """Apply the retention policy once a day (safe to run in several processes at once):
        purge the files, then redact the messages and answers of the same requests."""
        while not self._stop.is_set():
            try:
                now, days = utcnow(), self.runtime.settings.retention_days
                async with self.runtime.sessionmaker() as session:
                    await purge(session, self.runtime.store, now, days)
                    # The same period ends the personal data kept beside the files.
                    await redact_expired(session, now, days)
            except Exception:
                log.exception("retention purge failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=RETENTION_EVERY_SECONDS)

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set (the `loket worker` command)."""
        await self.start()
        await stop.wait()
        await self.stop()
