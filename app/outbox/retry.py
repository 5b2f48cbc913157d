"""What to do after a failed send, by Meta's error code: one pure function, `decide`.

Meta asks for decisions on `code` (plus `error_data.details`), not on HTTP statuses or titles
(reference §5). The groups below follow Meta's "solution" column; the HTTP status is consulted
only when Meta's code is absent or unknown (a proxy's 502, a bare 429, a network failure).

- Number-wide throttles (130429 throughput, 4 app call limit, 80007 WABA limit, and HTTP 429 with
  no code we know): pause all sending with a growing backoff; the message keeps its place.
- Pair rate limit (131056): pause only this resident, at least 6 s, growing 4^X s as Meta suggests;
  other residents are still served.
- Transient errors (131000, 131016, 133004, 1, 2, 131057 maintenance, network, and any answer
  whose code we do not know, 4xx or 5xx): retry with exponential backoff and jitter, at most
  `settings.max_send_attempts` attempts; then the message is given up (an operator may re-send).
- Permanent errors (bad parameters, undeliverable, policy, permissions, templates, 24-hour window
  closed = 131047 …): give up at once. Only these known codes give up on the first answer.
- Authentication (190 expired token, 0): halt all sending for a few minutes, alert, and keep the
  message pending; it is not its fault.
- A success status without a message id: give up (Meta may have taken it; a retry could double it).
A `Retry-After` header is the minimum wait of whatever waits. Throttles and halts never give a
message up: waiting is the cure, not dropping.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.bot.errors import GraphError, GraphNetworkError
from app.config import Settings

MAX_BACKOFF_SECONDS = 15 * 60.0
AUTH_HALT = timedelta(minutes=5)
PAIR_RATE_MIN_SECONDS = 6.0
MAINTENANCE_MIN_SECONDS = 60.0

RE_ENGAGEMENT = 131047  # 24-hour window closed: the caller should send a template instead
TOO_MANY_REQUESTS = 429
# A bare 429 (a proxy's, or Meta's without its error shape) pauses the number at least this long.
HTTP_THROTTLE_MIN_SECONDS = 1.0
PAIR_RATE_LIMIT = 131056
AUTH_CODES = frozenset({0, 190})
# Minimum pause per number-wide throttle code: 130429 is per second, the others per hour-ish.
NUMBER_THROTTLES = {130429: 1.0, 4: 60.0, 80007: 60.0}
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 131057, 133004})
PERMANENT_CODES = frozenset(
    {3, 10, 100, 368, 2388019}
    | {130403, 130472, 131005, 131008, 131009, 131021, 131026, 131031, 131042, 131045}
    | {RE_ENGAGEMENT, 131048, 131049, 131050, 131051, 131052, 131053, 131064, 135000}
    | set(range(200, 300))  # permission not granted
    | set(range(132000, 133000))  # template and flow problems
)


@dataclass(frozen=True)
class Retry:
    """Try this message again at `at`; later messages of the resident wait behind it."""

    at: datetime
    reason: str


@dataclass(frozen=True)
class ThrottleNumber:
    """Pause every send from the business number until `until`."""

    until: datetime
    reason: str


@dataclass(frozen=True)
class ThrottleResident:
    """Pause sends to this resident only until `until` (Meta's pair rate limit)."""

    until: datetime
    reason: str


@dataclass(frozen=True)
class GiveUp:
    """Stop trying this message; the resident's later messages go ahead."""

    reason: str


@dataclass(frozen=True)
class HaltAuth:
    """The access token is refused: pause all sending until `until` and alert a human."""

    until: datetime
    reason: str


Decision = Retry | ThrottleNumber | ThrottleResident | GiveUp | HaltAuth


def decide(
    error: GraphError,
    attempts: int,
    now: datetime,
    settings: Settings,
    rng: random.Random,
    *,
    best_effort: bool = False,
) -> Decision:
    """The decision after attempt number `attempts` (1 = the first) failed with `error`.

    `best_effort` is for read receipts and typing indicators: they are worthless late, so they
    are given up instead of retried or held behind a resident's pair throttle.
    """
    code = error.code
    wait = error.retry_after or 0.0
    if code in AUTH_CODES:
        until = now + max(AUTH_HALT, timedelta(seconds=wait))
        return HaltAuth(until, f"access token refused (code {code}); sending halted")
    if code in NUMBER_THROTTLES:
        pause = backoff(attempts, settings, rng, floor=max(NUMBER_THROTTLES[code], wait))
        return ThrottleNumber(now + pause, f"number throttled by Meta (code {code})")
    if code == PAIR_RATE_LIMIT:
        if best_effort:
            return GiveUp("pair rate limit hit; a late receipt is useless")
        exponent = min(max(attempts - 1, 0), 10)
        seconds = min(max(PAIR_RATE_MIN_SECONDS, 4.0**exponent), MAX_BACKOFF_SECONDS)
        seconds = max(seconds, wait)
        return ThrottleResident(now + timedelta(seconds=seconds), "pair rate limit (131056)")
    if code in PERMANENT_CODES:
        if code == RE_ENGAGEMENT:
            return GiveUp("131047 re-engagement: the 24-hour window is closed; send a template")
        return GiveUp(f"permanent error (code {code})")
    if error.http_status == TOO_MANY_REQUESTS:
        pause = backoff(attempts, settings, rng, floor=max(HTTP_THROTTLE_MIN_SECONDS, wait))
        known = "" if code is None else f", code {code}"
        return ThrottleNumber(now + pause, f"number throttled (HTTP 429{known})")
    if error.http_status is not None and 200 <= error.http_status < 300:
        return GiveUp(f"unexpected success answer (HTTP {error.http_status}); not sent again")
    if best_effort:
        return GiveUp("transient error; a late receipt is useless")
    if attempts >= settings.max_send_attempts:
        return GiveUp(f"gave up after {attempts} attempts")
    floor = max(MAINTENANCE_MIN_SECONDS if code == 131057 else 0.0, wait)
    reason = "transient error; retrying" if _transient(error) else "unknown error; retrying"
    return Retry(now + backoff(attempts, settings, rng, floor=floor), reason)


def backoff(
    attempts: int, settings: Settings, rng: random.Random, *, floor: float = 0.0
) -> timedelta:
    """Exponential backoff from `settings.retry_base_seconds`, capped at 15 minutes, with jitter.

    "Equal jitter": a random point in the upper half of the step, so many messages that failed
    together spread out, yet none comes back sooner than half the intended wait.
    """
    step = settings.retry_base_seconds * 2.0 ** min(max(attempts - 1, 0), 30)
    capped = min(step, MAX_BACKOFF_SECONDS)
    return timedelta(seconds=max(floor, capped * (0.5 + rng.random() / 2)))


def _transient(error: GraphError) -> bool:
    """Errors known to pass: no answer at all, a transient code, or a server-side failure."""
    if isinstance(error, GraphNetworkError) or error.http_status is None:
        return True  # no answer at all: Meta may be fine, the path to it was not
    if error.code in TRANSIENT_CODES:
        return True
    return error.http_status >= 500
