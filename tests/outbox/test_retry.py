"""The retry policy as a table: every code group, with a fixed clock and a seeded random source."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from app.bot.errors import GraphError, GraphNetworkError, parse_retry_after
from app.outbox.retry import (
    AUTH_HALT,
    MAX_BACKOFF_SECONDS,
    GiveUp,
    HaltAuth,
    Retry,
    ThrottleNumber,
    ThrottleResident,
    backoff,
    decide,
)
from tests.support.outbox import START

SEED = 4242


def _error(code: int | None, http_status: int | None = 400) -> GraphError:
    return GraphError(code=code, http_status=http_status, message="test")


def _jittered(seconds: float, floor: float = 0.0) -> timedelta:
    """What `backoff` gives for a step of `seconds` with a fresh rng of SEED."""
    return timedelta(seconds=max(floor, seconds * (0.5 + random.Random(SEED).random() / 2)))


@pytest.fixture
def policy(settings):
    settings = settings.model_copy(update={"retry_base_seconds": 4.0, "max_send_attempts": 8})

    def run(error: GraphError, attempts: int = 1, *, best_effort: bool = False):
        return decide(
            error, attempts, START, settings, random.Random(SEED), best_effort=best_effort
        )

    return run


@pytest.mark.parametrize("code", [131000, 131016, 133004, 2, 1])
@pytest.mark.parametrize(("attempts", "step"), [(1, 4.0), (2, 8.0), (3, 16.0), (7, 256.0)])
def test_transient_codes_retry_with_exponential_backoff(policy, code, attempts, step):
    decision = policy(_error(code, 500), attempts)
    assert decision == Retry(START + _jittered(step), "transient error; retrying")


def test_maintenance_waits_at_least_a_minute(policy):
    assert policy(_error(131057, 500), 1) == Retry(
        START + timedelta(seconds=60), "transient error; retrying"
    )


@pytest.mark.parametrize(
    "error",
    [
        GraphNetworkError("connection refused"),
        _error(None, 502),
        _error(None, None),
        _error(7, 503),
    ],
    ids=["network", "bare-5xx", "no-answer", "unknown-code-5xx"],
)
def test_no_code_failures_retry(policy, error):
    assert isinstance(policy(error, 1), Retry)


def test_backoff_is_capped_at_fifteen_minutes(settings):
    settings = settings.model_copy(update={"retry_base_seconds": 4.0})
    rng = random.Random(SEED)
    assert backoff(60, settings, rng) == _jittered(MAX_BACKOFF_SECONDS)
    assert backoff(10_000, settings, random.Random(SEED)) == _jittered(MAX_BACKOFF_SECONDS)


def test_jitter_spreads_retries_within_the_upper_half(settings):
    settings = settings.model_copy(update={"retry_base_seconds": 4.0})
    rng = random.Random(SEED)
    delays = {backoff(3, settings, rng).total_seconds() for _ in range(50)}
    assert len(delays) == 50
    assert all(8.0 <= d <= 16.0 for d in delays)


def test_transient_gives_up_at_max_attempts(policy):
    assert isinstance(policy(_error(131000, 500), 7), Retry)
    assert policy(_error(131000, 500), 8) == GiveUp("gave up after 8 attempts")


@pytest.mark.parametrize(
    "code",
    [
        *(100, 131008, 131009, 131021, 131026, 131048, 131049, 131050, 131051, 130403, 368),
        *(131031, 10, 200, 250, 299, 3, 131005, 132000, 132001, 132005, 132007, 132012),
        *(132015, 132016),
    ],
)
def test_permanent_codes_give_up_at_once(policy, code):
    assert policy(_error(code), 1) == GiveUp(f"permanent error (code {code})")


def test_re_engagement_is_marked_for_the_template_fallback(policy):
    decision = policy(_error(131047), 1)
    assert decision == GiveUp("131047 re-engagement: the 24-hour window is closed; send a template")


@pytest.mark.parametrize(
    "error",
    [_error(999_999, 400), _error(None, 400), _error(None, 404), _error(999_999, 500)],
    ids=["unknown-code-4xx", "bare-400", "bare-404", "unknown-code-5xx"],
)
def test_unknown_answers_retry_with_backoff_until_max_attempts(policy, error):
    """Only known permanent codes give up on the first answer; anything unknown is retried."""
    reason = "transient error; retrying" if error.http_status == 500 else "unknown error; retrying"
    assert policy(error, 1) == Retry(START + _jittered(4.0), reason)
    assert policy(error, 7) == Retry(START + _jittered(256.0), reason)
    assert policy(error, 8) == GiveUp("gave up after 8 attempts")


def test_a_success_answer_without_a_message_id_is_not_sent_again(policy):
    """Meta may have taken it: a second send could reach the resident twice."""
    assert policy(_error(None, 200), 1) == GiveUp(
        "unexpected success answer (HTTP 200); not sent again"
    )


@pytest.mark.parametrize(("attempts", "step"), [(1, 4.0), (5, 64.0), (50, MAX_BACKOFF_SECONDS)])
def test_a_bare_429_throttles_the_number_and_never_gives_up(policy, attempts, step):
    assert policy(_error(None, 429), attempts) == ThrottleNumber(
        START + _jittered(step, 1.0), "number throttled (HTTP 429)"
    )
    assert policy(_error(424242, 429), attempts) == ThrottleNumber(
        START + _jittered(step, 1.0), "number throttled (HTTP 429, code 424242)"
    )


def test_a_known_permanent_code_gives_up_even_with_429(policy):
    assert policy(_error(131026, 429), 1) == GiveUp("permanent error (code 131026)")


def _waiting(code: int | None, http_status: int, seconds: float) -> GraphError:
    return GraphError(code=code, http_status=http_status, message="test", retry_after=seconds)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_waiting(None, 429, 120), ThrottleNumber(START + timedelta(seconds=120), "")),
        (_waiting(130429, 429, 30), ThrottleNumber(START + timedelta(seconds=30), "")),
        (_waiting(131000, 503, 90), Retry(START + timedelta(seconds=90), "")),
        (_waiting(None, 503, 90), Retry(START + timedelta(seconds=90), "")),
        (_waiting(131056, 400, 100), ThrottleResident(START + timedelta(seconds=100), "")),
        (_waiting(190, 401, 600), HaltAuth(START + timedelta(seconds=600), "")),
    ],
    ids=["bare-429", "throughput", "transient", "bare-503", "pair", "auth"],
)
def test_retry_after_is_the_minimum_wait(policy, error, expected):
    decision = policy(error, 1)
    assert (type(decision), getattr(decision, "at", getattr(decision, "until", None))) == (
        type(expected),
        getattr(expected, "at", getattr(expected, "until", None)),
    )


def test_a_short_retry_after_does_not_shorten_the_backoff(policy):
    assert policy(_waiting(None, 429, 1), 20) == ThrottleNumber(
        START + _jittered(MAX_BACKOFF_SECONDS, 1.0), "number throttled (HTTP 429)"
    )
    assert policy(_waiting(131056, 400, 2), 3) == ThrottleResident(
        START + timedelta(seconds=16), "pair rate limit (131056)"
    )


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Mon, 23 Nov 2026 01:02:00 GMT", 120.0),
        ("Mon, 23 Nov 2026 00:00:00 GMT", 0.0),
        ("999999", 3600.0),
        ("", None),
        (None, None),
        ("soon", None),
        ("-5", None),
    ],
)
def test_retry_after_header_values(header, seconds):
    assert parse_retry_after(header, START) == seconds


@pytest.mark.parametrize(("code", "floor"), [(130429, 1.0), (4, 60.0), (80007, 60.0)])
@pytest.mark.parametrize(("attempts", "step"), [(1, 4.0), (5, 64.0), (20, MAX_BACKOFF_SECONDS)])
def test_number_throttles_pause_the_number_with_backoff(policy, code, floor, attempts, step):
    decision = policy(_error(code), attempts)
    assert decision == ThrottleNumber(
        START + _jittered(step, floor), f"number throttled by Meta (code {code})"
    )


def test_throttles_never_give_up(policy):
    assert isinstance(policy(_error(130429), 50), ThrottleNumber)
    assert isinstance(policy(_error(131056), 50), ThrottleResident)


@pytest.mark.parametrize(
    ("attempts", "seconds"), [(1, 6), (2, 6), (3, 16), (4, 64), (5, 256), (6, 900), (9, 900)]
)
def test_pair_rate_limit_pauses_the_resident_4_to_the_x(policy, attempts, seconds):
    assert policy(_error(131056), attempts) == ThrottleResident(
        START + timedelta(seconds=seconds), "pair rate limit (131056)"
    )


@pytest.mark.parametrize("code", [190, 0])
def test_auth_failures_halt_sending(policy, code):
    assert policy(_error(code, 401), 3) == HaltAuth(
        START + AUTH_HALT, f"access token refused (code {code}); sending halted"
    )


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (_error(131000, 500), GiveUp),
        (GraphNetworkError("reset"), GiveUp),
        (_error(131056), GiveUp),
        (_error(131026), GiveUp),
        (_error(130429), ThrottleNumber),  # number-wide news still pauses the number
        (_error(190, 401), HaltAuth),
    ],
)
def test_best_effort_bodies_are_not_retried(policy, error, expected):
    assert isinstance(policy(error, 1, best_effort=True), expected)
