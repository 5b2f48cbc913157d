"""Sign-in throttling, counted in the database per (username, client address).

Keyed by the pair, so someone guessing `kec1`'s password from one address slows down only
themselves: the real `kec1` signing in from the office keeps working. After `limit` failures the
pair waits `first_block`, and every further failure doubles the wait up to `max_block`. A pair
with no failure for `forget_after` starts again from zero; a correct password clears it.

The count lives in the database, so several `serve` processes behind a load balancer count
together. Behind a reverse proxy, the client address is only right when the proxy is trusted
(LOKET_FORWARDED_ALLOW_IPS); otherwise every client shares the proxy's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import is_postgres, utcnow
from app.operators.models import LoginThrottle

_KEY_LENGTH = 64


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures a (username, address) pair gets, and how long it then waits."""

    limit: int = 5
    first_block: timedelta = timedelta(seconds=30)
    max_block: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)

    def block_after(self, failures: int) -> timedelta | None:
        """The wait after the `failures`-th failure in a row; None below the limit."""
        if failures < self.limit:
            return None
        doublings = min(failures - self.limit, 16)  # 30 s · 2^16 is far past any sane cap
        wait: timedelta = min(self.first_block * (2**doublings), self.max_block)
        return wait


DEFAULT_POLICY = ThrottlePolicy()


def throttle_key(username: str, address: str) -> tuple[str, str]:
    """The pair as stored: the username as typed (any case is the same operator), cut to the
    column, and the address ("unknown" when the server was not told one)."""
    return username.strip().lower()[:_KEY_LENGTH], (address or "unknown")[:_KEY_LENGTH]


async def blocked_until(
    session: AsyncSession, username: str, address: str, *, now: datetime | None = None
) -> datetime | None:
    """Until when this pair must wait before trying again, or None when it may try now."""
    user, addr = throttle_key(username, address)
    stmt = select(LoginThrottle.blocked_until).where(
        LoginThrottle.username == user, LoginThrottle.address == addr
    )
    until = (await session.execute(stmt)).scalar_one_or_none()
    return until if until is not None and until > (now or utcnow()) else None


async def record_failure(
    session: AsyncSession,
    username: str,
    address: str,
    *,
    now: datetime | None = None,
    policy: ThrottlePolicy = DEFAULT_POLICY,
) -> datetime | None:
    """Count one failed sign-in for the pair; until when it is now blocked (None if not).

    One atomic upsert counts it, so concurrent failures in several processes all count.
    """
    now = now or utcnow()
    user, addr = throttle_key(username, address)
    stale = now - policy.forget_after
    # Pairs nobody has failed with for a while are forgotten, so the table stays small.
    await session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failed_at < stale,
            or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now),
        )
    )
    insert = postgres_insert if is_postgres(session) else sqlite_insert
    table = LoginThrottle.__table__
    upsert = insert(LoginThrottle).values(
        username=user, address=addr, failures=1, last_failed_at=now, blocked_until=None
    )
    stmt = upsert.on_conflict_do_update(
        index_elements=[table.c.username, table.c.address],
        set_={
            "failures": case((table.c.last_failed_at < stale, 1), else_=table.c.failures + 1),
            "last_failed_at": now,
        },
    ).returning(table.c.failures)
    failures = int((await session.execute(stmt)).scalar_one())
    wait = policy.block_after(failures)
    if wait is None:
        return None
    until = now + wait
    await session.execute(
        update(LoginThrottle)
        .where(and_(LoginThrottle.username == user, LoginThrottle.address == addr))
        .values(blocked_until=until)
    )
    return until


async def record_success(session: AsyncSession, username: str, address: str) -> None:
    """A correct password from this address clears the pair's count."""
    user, addr = throttle_key(username, address)
    await session.execute(
        delete(LoginThrottle).where(LoginThrottle.username == user, LoginThrottle.address == addr)
    )
