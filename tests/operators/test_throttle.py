"""The sign-in throttle: per (username, address), a growing wait, counted in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.operators import throttle
from app.operators.models import LoginThrottle
from app.operators.throttle import DEFAULT_POLICY

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_the_wait_starts_at_the_limit_and_doubles_up_to_the_cap() -> None:
    waits = [DEFAULT_POLICY.block_after(n) for n in range(1, 12)]
    seconds = [int(w.total_seconds()) if w else None for w in waits]
    assert seconds == [None, None, None, None, 30, 60, 120, 240, 480, 900, 900]
    assert DEFAULT_POLICY.block_after(10_000) == timedelta(minutes=15)


async def _fail(
    db: AsyncSession, user: str, address: str, times: int, at: datetime
) -> list[datetime | None]:
    return [await throttle.record_failure(db, user, address, now=at) for _ in range(times)]


async def test_five_failures_block_only_that_username_from_that_address(
    db_session: AsyncSession,
) -> None:
    results = await _fail(db_session, "Kec1", "203.0.113.7", 5, NOW)
    assert results == [None] * 4 + [NOW + timedelta(seconds=30)]
    blocked = throttle.blocked_until
    assert await blocked(db_session, "kec1 ", "203.0.113.7", now=NOW) == NOW + timedelta(seconds=30)
    assert await blocked(db_session, "kec1", "198.51.100.20", now=NOW) is None
    assert await blocked(db_session, "kec2", "203.0.113.7", now=NOW) is None
    later = NOW + timedelta(seconds=30)
    assert await blocked(db_session, "kec1", "203.0.113.7", now=later) is None


async def test_each_failure_after_a_wait_doubles_the_next_wait(db_session: AsyncSession) -> None:
    at = NOW
    await _fail(db_session, "kec1", "203.0.113.7", 4, at)
    waits = []
    for _ in range(7):
        until = await throttle.record_failure(db_session, "kec1", "203.0.113.7", now=at)
        assert until is not None
        waits.append(int((until - at).total_seconds()))
        at = until  # the attacker tries again the moment the wait is over
    assert waits == [30, 60, 120, 240, 480, 900, 900]


async def test_a_pair_quiet_for_an_hour_starts_again_and_is_cleared_away(
    db_session: AsyncSession,
) -> None:
    await _fail(db_session, "kec1", "203.0.113.7", 4, NOW)
    await _fail(db_session, "siti", "203.0.113.8", 1, NOW)
    an_hour_later = NOW + timedelta(hours=1, seconds=1)
    assert await _fail(db_session, "kec1", "203.0.113.7", 4, an_hour_later) == [None] * 4
    rows = (await db_session.execute(select(LoginThrottle.username, LoginThrottle.failures))).all()
    assert [tuple(row) for row in rows] == [("kec1", 4)]  # siti's old pair is gone


async def test_a_correct_password_clears_the_pair_only(db_session: AsyncSession) -> None:
    await _fail(db_session, "kec1", "203.0.113.7", 4, NOW)
    await _fail(db_session, "kec1", "198.51.100.20", 4, NOW)
    await throttle.record_success(db_session, "KEC1", "198.51.100.20")
    assert await _fail(db_session, "kec1", "198.51.100.20", 4, NOW) == [None] * 4
    assert await _fail(db_session, "kec1", "203.0.113.7", 1, NOW) == [NOW + timedelta(seconds=30)]


async def test_odd_keys_are_cut_to_the_columns(db_session: AsyncSession) -> None:
    await throttle.record_failure(db_session, "x" * 300, "", now=NOW)
    stmt = select(func.length(LoginThrottle.username), LoginThrottle.address)
    assert [tuple(row) for row in await db_session.execute(stmt)] == [(64, "unknown")]
