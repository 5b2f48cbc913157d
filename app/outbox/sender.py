"""The outbox worker: sends pending messages in order per resident, with Meta's retry rules.

How order is kept across several workers: a worker first leases residents (a short transaction
writes `Resident.outbox_lease_owner/until`; PostgreSQL picks the candidates `FOR UPDATE SKIP
LOCKED`), then sends that resident's pending messages strictly by id. Only the oldest pending
message may go; if it waits for a retry, the later ones wait too. Each result is written in a
short transaction that also picks the resident's next message, and no transaction is open
during an HTTP call.

At-least-once: if a worker dies after Meta accepted a message but before the result was written,
the row is still pending; when the lease expires another worker takes the resident over and sends
it again, so the resident may see it twice. A network timeout after the request left is the same
window. Losing a message would be worse than a rare duplicate.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot.errors import GraphError
from app.bot.messages import address_body, is_status_body
from app.bot.sender import MessageSender, SendResult
from app.config import Settings
from app.db import unit_of_work, utcnow
from app.observability import OUTBOX_DEPTH, SEND_OUTCOMES
from app.outbox import failed_send, repository
from app.outbox.attachments import (
    AttachmentGone,
    AttachmentSource,
    MediaUploader,
    attach,
    attachment_of,
)
from app.outbox.models import OutboxState
from app.outbox.rate import SendRate

log = structlog.get_logger(__name__)

# The depth gauge counts the whole outbox: at most this often from the loop, not after every
# wake-up (with LISTEN/NOTIFY a busy worker wakes many times a second).
GAUGE_EVERY_SECONDS = 5.0


@dataclass(frozen=True)
class _Attempt:
    message_id: int
    resident_id: int
    body: dict[str, Any]
    attempts_before: int
    best_effort: bool


class OutboxSender:
    """Drains the outbox. `run_once()` for tests and scripts, `run(stop)` for the worker loop."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sender: MessageSender,
        settings: Settings,
        *,
        worker_id: str,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        batch_size: int | None = None,
        rate: SendRate | None = None,
        attachments: AttachmentSource | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._sender = sender
        self._settings = settings
        self._worker_id = worker_id
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        # Residents drained at once: sends to different residents overlap, each resident's go
        # one after the other; all of them share the runtime's one HTTP client (its connections).
        self._batch_size = batch_size or settings.outbox_concurrency
        self._rate = rate or SendRate(settings.send_rate_per_second)
        # Files uploaded at send time (an issued PDF): where they are read from.
        self._attachments = attachments
        self._lease = timedelta(seconds=settings.worker_lease_seconds)
        self._wake = asyncio.Event()
        self._gauge_due = 0.0

    def notify(self) -> None:
        """Wake the loop early: new outbox rows were committed in this process."""
        self._wake.set()

    async def run_once(self, *, update_gauge: bool = True) -> int:
        """Send everything due now; how many send attempts were made."""
        total = 0
        while True:
            now = self._clock()
            async with unit_of_work(self._sessionmaker) as session:
                halt = await repository.active_halt(session, now)
                claimed = (
                    []
                    if halt is not None
                    else await repository.claim_residents(
                        session,
                        worker_id=self._worker_id,
                        now=now,
                        lease_until=now + self._lease,
                        limit=self._batch_size,
                    )
                )
            if not claimed:
                break
            attempts = sum(await asyncio.gather(*(self._drain_resident(r) for r in claimed)))
            total += attempts
            if attempts == 0:
                break  # nothing could be sent after all (for example a halt began meanwhile)
        if update_gauge:
            await self._update_depth()
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Loop until `stop` is set: send what is due, then wait for `notify()` or the poll time."""
        while not stop.is_set():
            # Cleared before looking, so a notify() arriving while we send is not lost.
            self._wake.clear()
            try:
                gauge = time.monotonic() >= self._gauge_due
                if gauge:
                    self._gauge_due = time.monotonic() + GAUGE_EVERY_SECONDS
                sent = await self.run_once(update_gauge=gauge)
            except Exception:  # the database may be away; keep the loop alive and try again
                log.exception("outbox sending failed")
                sent = 0
            if sent or stop.is_set():
                continue
            waiters = {
                asyncio.ensure_future(self._wake.wait()),
                asyncio.ensure_future(stop.wait()),
                asyncio.ensure_future(self._sleep(self._settings.worker_poll_seconds)),
            }
            _done, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            for waiter in pending:
                waiter.cancel()

    async def release(self) -> None:
        """Drop this worker's leases (on shutdown) so another worker can take over at once."""
        async with unit_of_work(self._sessionmaker) as session:
            released = await repository.release_all(session, worker_id=self._worker_id)
        log.info("outbox leases released", worker_id=self._worker_id, residents=released)

    async def _drain_resident(self, resident_id: int) -> int:
        """Send the resident's due messages in id order; release the lease when done.

        On cancellation (shutdown timeout, or a test "killing" the worker) or an unexpected error
        the lease is kept: `release()` or its expiry hands the resident over, as after a crash.
        """
        attempts = 0
        try:
            attempt = await self._next_attempt(resident_id)
            while attempt is not None:
                outcome = await self._send(attempt)
                attempts += 1
                attempt = await self._next_attempt(resident_id, done=(attempt, outcome))
        except Exception:
            # Keep the lease: its expiry is the back-off, so a resident whose result cannot be
            # written is not claimed and re-sent again and again within one `run_once`.
            log.exception("outbox failed for a resident; retrying later", resident_id=resident_id)
        return attempts

    async def _next_attempt(
        self, resident_id: int, *, done: tuple[_Attempt, SendResult | GraphError] | None = None
    ) -> _Attempt | None:
        """One short transaction: write the outcome of the attempt just `done`, then renew the
        lease and pick the resident's next message if it may go now; with none, release the
        lease. One transaction per message sent, not one to pick it and one to record it."""
        now = self._clock()
        async with unit_of_work(self._sessionmaker) as session:
            if done is not None and not await self._record(session, *done, now=now):
                attempt = None
            else:
                try:
                    async with session.begin_nested():  # a failure here must not undo the record
                        attempt = await self._pick(session, resident_id, now)
                except Exception:
                    log.exception("outbox could not pick the next message", resident_id=resident_id)
                    return None  # the lease stays: its expiry is the back-off
            if attempt is None:
                await repository.release_lease(
                    session, resident_id=resident_id, worker_id=self._worker_id
                )
            return attempt

    async def _pick(
        self, session: AsyncSession, resident_id: int, now: datetime
    ) -> _Attempt | None:
        """Renew the lease and take the resident's oldest pending message, if it is due now."""
        while True:
            resident = await repository.renew_lease(
                session,
                resident_id=resident_id,
                worker_id=self._worker_id,
                lease_until=now + self._lease,
            )
            if resident is None:
                return None  # the lease expired and another worker took the resident
            if resident.outbox_not_before is not None and resident.outbox_not_before > now:
                return None
            if await repository.active_halt(session, now) is not None:
                return None
            message = await repository.first_pending(session, resident_id)
            if message is None or message.next_attempt_at > now:
                return None
            try:
                body = address_body(message.body, resident)
            except ValueError as exc:  # nobody to send to: cannot get better by waiting
                message.state = OutboxState.GIVEN_UP
                message.last_error = str(exc)
                self._count("given_up", "no_address")
                continue
            return _Attempt(message.id, resident_id, body, message.attempts, is_status_body(body))

    async def _send(self, attempt: _Attempt) -> SendResult | GraphError:
        structlog.contextvars.bind_contextvars(
            resident_id=attempt.resident_id, message_id=attempt.message_id
        )
        try:
            body = attempt.body
            if attachment_of(body) is not None:
                body = await self._attach(body)
            await self._rate.acquire()
            return await self._sender.send(body)
        except GraphError as exc:
            return exc
        except Exception as exc:  # a bug or an unexpected failure: treat like no answer
            log.exception("unexpected error while sending")
            return GraphError(code=None, message=f"unexpected {type(exc).__name__}: {exc}")
        finally:
            structlog.contextvars.unbind_contextvars("resident_id", "message_id")

    async def _attach(self, body: dict[str, Any]) -> dict[str, Any]:
        """Upload the body's file (no transaction open) and fill in its media id."""
        uploader = self._sender if hasattr(self._sender, "upload_media") else None
        if self._attachments is None or uploader is None:
            # Meta's "invalid parameter" code: permanent, waiting would not change it.
            raise GraphError(code=100, message="this worker cannot upload attachments")
        try:
            return await attach(body, self._attachments, cast(MediaUploader, uploader))
        except AttachmentGone as exc:
            raise GraphError(code=100, message=f"attachment gone: {exc}") from exc

    async def _record(
        self,
        session: AsyncSession,
        attempt: _Attempt,
        outcome: SendResult | GraphError,
        *,
        now: datetime,
    ) -> bool:
        """Write the result; True when the resident's next message may be sent right away."""
        if isinstance(outcome, SendResult):  # the common case, in one statement
            sent = await repository.mark_sent(
                session,
                attempt.message_id,
                wamid=outcome.wamid,
                now=now,
                attempts=attempt.attempts_before + 1,
            )
            if not sent:
                return False  # deleted or changed by hand meanwhile; look again next round
            self._count("sent", None)
            log.info("outbox message sent", message_id=attempt.message_id, wamid=outcome.wamid)
            return True
        message = await repository.get_message(session, attempt.message_id, for_update=True)
        if message is None or message.state != OutboxState.PENDING:
            return False
        outcome_name, go_on = await failed_send.record(
            session,
            message,
            outcome,
            attempts_before=attempt.attempts_before,
            best_effort=attempt.best_effort,
            now=now,
            settings=self._settings,
            rng=self._rng,
        )
        self._count(outcome_name, failed_send.code_label(outcome))
        return go_on

    def _count(self, outcome: str, code: str | None) -> None:
        SEND_OUTCOMES.labels(outcome=outcome, code=code or "").inc()

    async def _update_depth(self) -> None:
        states = (OutboxState.PENDING.value, OutboxState.GIVEN_UP.value)
        async with self._sessionmaker() as session:
            counts = await repository.count_by_state(session, states)
        for state, count in counts.items():
            OUTBOX_DEPTH.labels(state=state).set(count)
