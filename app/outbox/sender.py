"""The outbox worker: sends pending messages in order per resident, with Meta's retry rules.

How order is kept across several workers: a worker first leases residents (a short transaction
writes `Resident.outbox_lease_owner/until`; PostgreSQL picks the candidates `FOR UPDATE SKIP
LOCKED`), then sends that resident's pending messages strictly by id. Only the oldest pending
message may go; if it waits for a retry, the later ones wait too. Each result is written in its
own short transaction, and no transaction is open during an HTTP call.

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

from app.bot.errors import GraphError, GraphNetworkError
from app.bot.messages import address_body, is_status_body
from app.bot.sender import MessageSender, SendResult
from app.config import Settings
from app.db import unit_of_work, utcnow
from app.observability import OUTBOX_DEPTH, SEND_OUTCOMES
from app.outbox import delivery, repository, retry
from app.outbox.attachments import (
    AttachmentGone,
    AttachmentSource,
    MediaUploader,
    attach,
    attachment_of,
)
from app.outbox.models import OutboundMessage, OutboxState
from app.outbox.rate import SendRate

log = structlog.get_logger(__name__)

MAX_ERROR_TEXT = 2000
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
            while (attempt := await self._next_attempt(resident_id)) is not None:
                outcome = await self._send(attempt)
                attempts += 1
                if not await self._record(attempt, outcome):
                    break
            async with unit_of_work(self._sessionmaker) as session:
                await repository.release_lease(
                    session, resident_id=resident_id, worker_id=self._worker_id
                )
        except Exception:
            # Keep the lease: its expiry is the back-off, so a resident whose result cannot be
            # written is not claimed and re-sent again and again within one `run_once`.
            log.exception("outbox failed for a resident; retrying later", resident_id=resident_id)
        return attempts

    async def _next_attempt(self, resident_id: int) -> _Attempt | None:
        """Renew the lease and pick the resident's oldest pending message, if it is due now."""
        while True:
            now = self._clock()
            async with unit_of_work(self._sessionmaker) as session:
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
                return _Attempt(
                    message.id, resident_id, body, message.attempts, is_status_body(body)
                )

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

    async def _record(self, attempt: _Attempt, outcome: SendResult | GraphError) -> bool:
        """Write the result; True when the resident's next message may be sent right away."""
        now = self._clock()
        async with unit_of_work(self._sessionmaker) as session:
            message = await repository.get_message(session, attempt.message_id, for_update=True)
            if message is None or message.state != OutboxState.PENDING:
                return False  # deleted or changed by hand meanwhile; look again next round
            if isinstance(outcome, SendResult):
                message.state = OutboxState.SENT
                message.wamid = outcome.wamid
                message.sent_at = now
                message.attempts = attempt.attempts_before + 1
                self._count("sent", None)
                log.info("outbox message sent", message_id=message.id, wamid=outcome.wamid)
                return True
            return await self._record_failure(session, attempt, message, outcome, now)

    async def _record_failure(
        self,
        session: AsyncSession,
        attempt: _Attempt,
        message: OutboundMessage,
        error: GraphError,
        now: datetime,
    ) -> bool:
        attempts = attempt.attempts_before + 1
        decision = retry.decide(
            error, attempts, now, self._settings, self._rng, best_effort=attempt.best_effort
        )
        message.last_error_code = error.code
        message.last_error = f"{decision.reason}: {error.describe()}"[:MAX_ERROR_TEXT]
        code = _code_label(error)
        if isinstance(decision, retry.GiveUp) and delivery.window_refusal(message, error.code):
            # Meta says the 24-hour window closed: delivery sends the approved template instead.
            message.attempts = attempts
            self._count(await delivery.refused_for_window(session, message, now), code)
            return True
        if isinstance(decision, retry.GiveUp):
            message.state = OutboxState.GIVEN_UP
            message.attempts = attempts
            self._count("given_up", code)
            log.warning("outbox message given up", message_id=message.id, error=message.last_error)
            return True
        if isinstance(decision, retry.Retry):
            message.next_attempt_at = decision.at
            message.attempts = attempts
            self._count("retry", code)
            return False
        message.next_attempt_at = decision.until
        if isinstance(decision, retry.HaltAuth):
            # Not the message's fault, so its attempts stay as they were: it must not be given up.
            await repository.set_halt(
                session, scope="auth", until=decision.until, reason=message.last_error, now=now
            )
            self._count("halted", code)
            log.critical("WhatsApp access token refused; sending halted", until=decision.until)
            return False
        message.attempts = attempts
        if isinstance(decision, retry.ThrottleNumber):
            await repository.set_halt(
                session, scope="throttle", until=decision.until, reason=message.last_error, now=now
            )
        else:
            await repository.set_not_before(session, attempt.resident_id, decision.until)
        self._count("throttled", code)
        log.warning("Meta throttled sending", message_id=message.id, until=decision.until)
        return False

    def _count(self, outcome: str, code: str | None) -> None:
        SEND_OUTCOMES.labels(outcome=outcome, code=code or "").inc()

    async def _update_depth(self) -> None:
        states = (OutboxState.PENDING.value, OutboxState.GIVEN_UP.value)
        async with self._sessionmaker() as session:
            counts = await repository.count_by_state(session, states)
        for state, count in counts.items():
            OUTBOX_DEPTH.labels(state=state).set(count)


def _code_label(error: GraphError) -> str:
    if error.code is not None:
        return str(error.code)
    if isinstance(error, GraphNetworkError):
        return "network"
    return f"http_{error.http_status}" if error.http_status is not None else "unexpected"
