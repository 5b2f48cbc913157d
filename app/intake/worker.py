"""The media worker: fetches queued media into the locker and tells the conversation the verdict.

Claiming takes a short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`), the download and checks
run with no transaction open, and completing the job and queueing the engine's `DocumentChecked`
input commit together. Jobs run concurrently, up to `concurrency` at once, so one slow download
does not hold up other residents' photos; a resident's own jobs still run one at a time, in the
order they were sent, because the engine reads the verdicts of an album in that order.

A running job's lease is renewed every `heartbeat_seconds` (a third of the lease by default), so
no other worker takes over a long download; a worker that dies stops renewing, its lease expires
and the next worker re-runs the job (the locker's ingest is idempotent per media item).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from app import locker
from app.db import is_postgres, unit_of_work, utcnow
from app.flows.catalog import Catalog
from app.flows.inputs import DocumentChecked
from app.inbox.internal import queue_input
from app.intake.models import MediaJob
from app.intake.service import requirement_for
from app.locker import BlobStore, DocumentStatus, LockerPolicy, MediaSource

log = structlog.get_logger(__name__)

# A job whose ingest keeps failing (a bug, not a bad file: bad files are verdicts) ends as
# "unavailable" after this many tries, so the resident is asked to send the file again.
MAX_JOB_ATTEMPTS = 5
DEFAULT_CONCURRENCY = 4


class MediaWorker:
    """Runs media jobs; `run_once()` for tests, `run(stop)` as a worker loop."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        store: BlobStore,
        source: MediaSource,
        catalog: Catalog,
        *,
        worker_id: str,
        policy: LockerPolicy | None = None,
        lease_seconds: float = 60.0,
        heartbeat_seconds: float | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        poll_seconds: float = 0.5,
        clock: Callable[[], datetime] = utcnow,
        on_done: Callable[[], None] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._sessionmaker = sessionmaker
        self._store = store
        self._source = source
        self._catalog = catalog
        self._worker_id = worker_id
        self._policy = policy or LockerPolicy()
        self._lease = timedelta(seconds=lease_seconds)
        self._heartbeat = heartbeat_seconds if heartbeat_seconds else lease_seconds / 3
        self._concurrency = concurrency
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._on_done = on_done
        self._wake = asyncio.Event()
        self._running_ids: set[int] = set()  # jobs this worker runs now: never claimed again

    def notify(self) -> None:
        self._wake.set()

    async def run_once(self) -> int:
        """Run every job that is due now, up to `concurrency` at once; return how many ran."""
        running: set[asyncio.Task[None]] = set()
        ran = 0
        try:
            while True:
                ran += await self._fill(running)
                if not running:
                    return ran
                _done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await _cancel(running)

    async def run(self, stop: asyncio.Event) -> None:
        """Claim jobs while there are free slots, until `stop`; then let the running ones end."""
        running: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                try:
                    await self._fill(running)
                except Exception:
                    log.exception("media worker failed; retrying")
                self._wake.clear()
                woken = asyncio.create_task(self._wake.wait())
                stopped = asyncio.create_task(stop.wait())
                await asyncio.wait(
                    {woken, stopped, *running},
                    timeout=self._poll_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                await _cancel({woken, stopped})
                running = {task for task in running if not task.done()}
            if running:  # the runner's stop grace bounds this wait, then cancels us
                await asyncio.wait(running)
        finally:
            await _cancel(running)

    async def _fill(self, running: set[asyncio.Task[None]]) -> int:
        """Start due jobs until `concurrency` run (or none is due); return how many started."""
        started = 0
        while len(running) < self._concurrency:
            job_id = await self._claim()
            if job_id is None:
                break
            self._running_ids.add(job_id)
            running.add(asyncio.create_task(self._run(job_id), name=f"media-job-{job_id}"))
            started += 1
        return started

    async def release(self) -> None:
        """Give up this worker's leases (graceful shutdown) so another worker starts at once."""
        async with unit_of_work(self._sessionmaker) as session:
            jobs = await session.execute(
                select(MediaJob).where(
                    MediaJob.lease_owner == self._worker_id, MediaJob.state == "pending"
                )
            )
            for job in jobs.scalars():
                job.lease_owner = None
                job.lease_until = None

    async def _claim(self) -> int | None:
        now = self._clock()
        async with unit_of_work(self._sessionmaker) as session:
            earlier = aliased(MediaJob)
            # A resident's jobs run one at a time, in order: the engine reads the verdicts of an
            # album in the order it asked for them.
            first_of_resident = ~(
                select(earlier.id)
                .where(
                    earlier.resident_id == MediaJob.resident_id,
                    earlier.state == "pending",
                    earlier.id < MediaJob.id,
                )
                .exists()
            )
            stmt = (
                select(MediaJob)
                .where(
                    MediaJob.state == "pending",
                    or_(MediaJob.lease_until.is_(None), MediaJob.lease_until < now),
                    first_of_resident,
                    # Ours already, should a late heartbeat have let its lease lapse.
                    MediaJob.id.not_in(self._running_ids),
                )
                .order_by(MediaJob.id)
                .limit(1)
            )
            if is_postgres(session):
                stmt = stmt.with_for_update(skip_locked=True)
            job = (await session.execute(stmt)).scalar_one_or_none()
            if job is None:
                return None
            job.lease_owner = self._worker_id
            job.lease_until = now + self._lease
            job.attempts += 1
            return job.id

    async def _renew(self, job_id: int) -> bool:
        """Extend this worker's lease on a running job; False when it is no longer ours."""
        async with unit_of_work(self._sessionmaker) as session:
            result = await session.execute(
                update(MediaJob)
                .where(
                    MediaJob.id == job_id,
                    MediaJob.lease_owner == self._worker_id,
                    MediaJob.state == "pending",
                )
                .values(lease_until=self._clock() + self._lease)
            )
            return bool(getattr(result, "rowcount", 0))

    async def _keep_lease(self, job_id: int) -> None:
        """The heartbeat of a running job: renew its lease until the job ends (cancelled)."""
        while True:
            await asyncio.sleep(self._heartbeat)
            try:
                if not await self._renew(job_id):
                    log.warning("media job lease lost", job_id=job_id)
                    return
            except Exception:  # the database is busy or away: try again at the next beat
                log.warning("media job lease not renewed", job_id=job_id, exc_info=True)

    async def _run(self, job_id: int) -> None:
        heartbeat = asyncio.create_task(self._keep_lease(job_id))
        try:
            await self._ingest(job_id)
        except Exception:  # nothing may escape a job: the others run on
            log.exception("media job crashed", job_id=job_id)
        finally:
            await _cancel({heartbeat})
            self._running_ids.discard(job_id)
        if self._on_done is not None:
            self._on_done()

    async def _ingest(self, job_id: int) -> None:
        async with self._sessionmaker() as session:
            job = await session.get(MediaJob, job_id)
            assert job is not None
            # Keep the loaded job and end the read here: on SQLite an open transaction holds the
            # write lock, and the download below must run with no transaction open.
            session.expunge(job)
        requirement = job.requirement
        structlog.contextvars.bind_contextvars(resident_id=job.resident_id, media_id=job.media_id)
        try:
            async with self._sessionmaker() as session:
                document = await locker.ingest_media(
                    session,
                    self._store,
                    self._source,
                    resident_id=job.resident_id,
                    requirement=requirement_for(self._catalog, job.service_code, requirement),
                    media_id=job.media_id,
                    declared_mime=job.mime_type,
                    declared_sha256=job.sha256,
                    policy=self._policy,
                    media_kind=job.media_kind,
                )
                accepted = document.status == DocumentStatus.ACCEPTED
                verdict = DocumentChecked(
                    requirement=requirement,
                    document_id=str(document.id),
                    accepted=accepted,
                    reason=None if accepted else (document.reason or "unavailable"),
                    pages=document.pages or 1,
                    sha256=document.sha256 if accepted else None,
                )
                document_id: int | None = document.id
        except Exception as exc:
            log.exception("media job failed", attempts=job.attempts)
            if job.attempts < MAX_JOB_ATTEMPTS:
                return  # the lease expires and the job is tried again
            verdict = DocumentChecked(requirement, "", accepted=False, reason="unavailable")
            await self._complete(job_id, None, verdict, error=f"{type(exc).__name__}: {exc}")
            return
        finally:
            structlog.contextvars.unbind_contextvars("resident_id", "media_id")
        await self._complete(job_id, document_id, verdict)

    async def _complete(
        self,
        job_id: int,
        document_id: int | None,
        verdict: DocumentChecked,
        *,
        error: str | None = None,
    ) -> None:
        """Finish the job and queue the verdict for the conversation, in one transaction."""
        async with unit_of_work(self._sessionmaker) as session:
            # Locked (PostgreSQL): a worker that took over an expired lease may finish it too.
            found = await session.execute(
                select(MediaJob).where(MediaJob.id == job_id).with_for_update()
            )
            job = found.scalar_one_or_none()
            if job is None or job.state != "pending":
                return  # another worker finished it after our lease expired
            job.state = "done"
            job.document_id = document_id
            job.last_error = error
            job.done_at = self._clock()
            job.lease_owner = None
            queue_input(
                session,
                resident_id=job.resident_id,
                key=f"media_job:{job.id}",
                item=verdict,
                at=job.done_at,
            )


async def _cancel(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel `tasks` and wait until they have ended."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
