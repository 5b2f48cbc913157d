"""What a refused or unanswered send does to its outbox row, by Meta's retry rules.

Retry later, give up, fall back to the approved template when the 24-hour window closed, wait
out a throttle (the resident's or the whole number's), or halt every send when the access token
is refused. The sender counts the outcome and goes on to the resident's next message only when
this one no longer blocks it.
"""

from __future__ import annotations

import random
from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.errors import GraphError, GraphNetworkError
from app.config import Settings
from app.outbox import delivery, repository, retry
from app.outbox.models import MAX_ERROR_TEXT, OutboundMessage, OutboxState

log = structlog.get_logger(__name__)


async def record(
    session: AsyncSession,
    message: OutboundMessage,
    error: GraphError,
    *,
    attempts_before: int,
    best_effort: bool,
    now: datetime,
    settings: Settings,
    rng: random.Random,
) -> tuple[str, bool]:
    """Apply Meta's answer to `message`; the outcome to count, and whether the resident's next
    message may be sent right away."""
    attempts = attempts_before + 1
    decision = retry.decide(error, attempts, now, settings, rng, best_effort=best_effort)
    message.last_error_code = error.code
    message.last_error = f"{decision.reason}: {error.describe()}"[:MAX_ERROR_TEXT]
    if isinstance(decision, retry.GiveUp) and delivery.window_refusal(message, error.code):
        # Meta says the 24-hour window closed: delivery sends the approved template instead.
        message.attempts = attempts
        return await delivery.refused_for_window(session, message, now), True
    if isinstance(decision, retry.GiveUp):
        message.state = OutboxState.GIVEN_UP
        message.attempts = attempts
        log.warning("outbox message given up", message_id=message.id, error=message.last_error)
        return "given_up", True
    if isinstance(decision, retry.Retry):
        message.next_attempt_at = decision.at
        message.attempts = attempts
        return "retry", False
    message.next_attempt_at = decision.until
    if isinstance(decision, retry.HaltAuth):
        # Not the message's fault, so its attempts stay as they were: it must not be given up.
        await repository.set_halt(
            session, scope="auth", until=decision.until, reason=message.last_error, now=now
        )
        log.critical("WhatsApp access token refused; sending halted", until=decision.until)
        return "halted", False
    message.attempts = attempts
    if isinstance(decision, retry.ThrottleNumber):
        await repository.set_halt(
            session, scope="throttle", until=decision.until, reason=message.last_error, now=now
        )
    else:
        await repository.set_not_before(session, message.resident_id, decision.until)
    log.warning("Meta throttled sending", message_id=message.id, until=decision.until)
    return "throttled", False


def code_label(error: GraphError) -> str:
    """The error's label on the send-outcome counter: Meta's code, "network", or the status."""
    if error.code is not None:
        return str(error.code)
    if isinstance(error, GraphNetworkError):
        return "network"
    return f"http_{error.http_status}" if error.http_status is not None else "unexpected"
