"""The outbox's SQL: adding rows, claiming residents, recording send results, halts.

Every time comparison uses the caller's `now` (bound as a parameter) rather than the database's
clock, so the worker's injected clock decides what is due, in tests and in production alike.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningUpdate, Update

from app.db import is_postgres
from app.outbox.models import ORIGIN_WAITING, OutboundMessage, OutboxState, SendHalt
from app.residents.models import Resident


async def get_message(
    session: AsyncSession, message_id: int, *, for_update: bool = False
) -> OutboundMessage | None:
    stmt = _message_by_id(for_update and is_postgres(session))
    return (await session.execute(stmt, {"message_id": message_id})).scalar_one_or_none()


async def find_by_wamid(
    session: AsyncSession, wamid: str, *, for_update: bool = False
) -> OutboundMessage | None:
    stmt = select(OutboundMessage).where(OutboundMessage.wamid == wamid)
    if for_update and is_postgres(session):
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def prompt_of(session: AsyncSession, *, resident_id: int, wamid: str) -> str | None:
    """The prompt id the resident's message `wamid` carried (None: unknown or not a prompt)."""
    stmt = select(OutboundMessage.prompt).where(
        OutboundMessage.wamid == wamid, OutboundMessage.resident_id == resident_id
    )
    prompt: str | None = (await session.execute(stmt)).scalar_one_or_none()
    return prompt


async def bodies_of(session: AsyncSession, *, resident_id: int, wamid: str) -> list[dict[str, Any]]:
    """The bodies of the resident's messages sent as `wamid` (one, or none when unknown)."""
    stmt = select(OutboundMessage.body).where(
        OutboundMessage.wamid == wamid, OutboundMessage.resident_id == resident_id
    )
    return [body for body in (await session.execute(stmt)).scalars() if isinstance(body, dict)]


async def list_by_state(session: AsyncSession, state: str, limit: int) -> list[OutboundMessage]:
    """Messages in `state`, newest first."""
    stmt = (
        select(OutboundMessage)
        .where(OutboundMessage.state == state)
        .order_by(OutboundMessage.id.desc())
        .limit(limit)
    )
    return list((await session.execute(stmt)).scalars())


async def count_by_state(session: AsyncSession, states: tuple[str, ...]) -> dict[str, int]:
    stmt = (
        select(OutboundMessage.state, func.count())
        .where(OutboundMessage.state.in_(states))
        .group_by(OutboundMessage.state)
    )
    counts = {state: 0 for state in states}
    for state, count in (await session.execute(stmt)).all():
        counts[state] = int(count)
    return counts


def _first_pending_id() -> Any:
    """Correlated subquery: the id of the resident's oldest pending message."""
    return (
        select(func.min(OutboundMessage.id))
        .where(
            OutboundMessage.resident_id == Resident.id,
            OutboundMessage.state == OutboxState.PENDING,
        )
        .correlate(Resident)
        .scalar_subquery()
    )


async def claim_residents(
    session: AsyncSession, *, worker_id: str, now: datetime, lease_until: datetime, limit: int
) -> list[int]:
    """Lease up to `limit` residents whose oldest pending message is due, oldest work first.

    Only residents without a live lease and outside a pair throttle qualify. On PostgreSQL the
    candidate rows are locked `FOR UPDATE SKIP LOCKED`, so two workers claiming at once get
    disjoint residents; on SQLite `BEGIN IMMEDIATE` serialises the claims instead.
    """
    first_pending = _first_pending_id()
    oldest_is_due = (
        select(OutboundMessage.id)
        .where(OutboundMessage.id == first_pending, OutboundMessage.next_attempt_at <= now)
        .exists()
    )
    stmt = (
        select(Resident.id)
        .where(
            or_(Resident.outbox_lease_until.is_(None), Resident.outbox_lease_until <= now),
            or_(Resident.outbox_not_before.is_(None), Resident.outbox_not_before <= now),
            oldest_is_due,
        )
        .order_by(first_pending)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(of=Resident, skip_locked=True)
    ids = list((await session.execute(stmt)).scalars())
    if ids:
        await session.execute(
            update(Resident)
            .where(Resident.id.in_(ids))
            .values(outbox_lease_owner=worker_id, outbox_lease_until=lease_until)
        )
    return ids


async def renew_lease(
    session: AsyncSession, *, resident_id: int, worker_id: str, lease_until: datetime
) -> Resident | None:
    """Extend this worker's lease on a resident, in one statement; None when another worker
    holds it now."""
    params = {"rid": resident_id, "owner": worker_id, "until": lease_until}
    return (await session.execute(_renew_lease(), params)).scalar_one_or_none()


async def mark_sent(
    session: AsyncSession, message_id: int, *, wamid: str | None, now: datetime, attempts: int
) -> bool:
    """Record that Meta accepted a pending message, in one statement; False when the message is
    no longer pending (cancelled or changed by hand while it was being sent)."""
    params = {"mid": message_id, "new_wamid": wamid, "sent_now": now, "tries": attempts}
    result = await session.execute(_mark_sent(), params)
    return _rowcount(result) == 1


async def release_lease(session: AsyncSession, *, resident_id: int, worker_id: str) -> None:
    await session.execute(
        update(Resident)
        .where(Resident.id == resident_id, Resident.outbox_lease_owner == worker_id)
        .values(outbox_lease_owner=None, outbox_lease_until=None)
    )


async def release_all(session: AsyncSession, *, worker_id: str) -> int:
    """Drop every lease `worker_id` holds; how many there were."""
    result = await session.execute(
        update(Resident)
        .where(Resident.outbox_lease_owner == worker_id)
        .values(outbox_lease_owner=None, outbox_lease_until=None)
    )
    return _rowcount(result)


async def set_not_before(session: AsyncSession, resident_id: int, until: datetime) -> None:
    """Meta's pair rate limit: send nothing to this resident before `until`."""
    await session.execute(
        update(Resident).where(Resident.id == resident_id).values(outbox_not_before=until)
    )


async def first_pending(session: AsyncSession, resident_id: int) -> OutboundMessage | None:
    """The resident's oldest pending message: the only one that may be sent next."""
    stmt = _first_pending()
    return (await session.execute(stmt, {"resident_id": resident_id})).scalar_one_or_none()


async def active_halt(session: AsyncSession, now: datetime) -> SendHalt | None:
    """The number-wide pause in force at `now`, the one lasting longest, if any."""
    return (await session.execute(_active_halt(), {"now": now})).scalar_one_or_none()


async def set_halt(
    session: AsyncSession, *, scope: str, until: datetime, reason: str, now: datetime
) -> None:
    """Create or replace the pause of `scope` (insert-or-update: two workers may race here)."""
    values = {"scope": scope, "until": until, "reason": reason, "updated_at": now}
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(SendHalt).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[SendHalt.scope],
        set_={"until": until, "reason": reason, "updated_at": now},
    )
    await session.execute(stmt)


async def waiting_invitation_since(
    session: AsyncSession, resident_id: int, since: datetime | None
) -> bool:
    """True when a "message waiting" template went out (or is queued) after `since`, the
    resident's last message: it already invites them to read whatever is held."""
    condition = [
        OutboundMessage.resident_id == resident_id,
        OutboundMessage.origin == ORIGIN_WAITING,
        OutboundMessage.state.in_([OutboxState.PENDING, OutboxState.SENT]),
    ]
    if since is not None:
        condition.append(OutboundMessage.created_at > since)
    return bool(await session.scalar(select(exists().where(*condition))))


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# The sender's statements for every message, built once (per dialect where the lock differs) and
# executed with parameters: building one costs more Python than running it from SQLAlchemy's
# cache (bench/RESULTS.md).
@functools.cache
def _message_by_id(locked: bool) -> Select[OutboundMessage]:
    stmt = select(OutboundMessage).where(OutboundMessage.id == bindparam("message_id"))
    return stmt.with_for_update() if locked else stmt


@functools.cache
def _renew_lease() -> ReturningUpdate[Resident]:
    return (
        update(Resident)
        .where(Resident.id == bindparam("rid"), Resident.outbox_lease_owner == bindparam("owner"))
        .values(outbox_lease_until=bindparam("until"))
        .returning(Resident)
    )


@functools.cache
def _mark_sent() -> Update:
    return (
        update(OutboundMessage)
        .where(OutboundMessage.id == bindparam("mid"), OutboundMessage.state == OutboxState.PENDING)
        .values(
            state=OutboxState.SENT,
            wamid=bindparam("new_wamid"),
            sent_at=bindparam("sent_now"),
            attempts=bindparam("tries"),
        )
        .execution_options(synchronize_session=False)
    )


@functools.cache
def _first_pending() -> Select[OutboundMessage]:
    return (
        select(OutboundMessage)
        .where(
            OutboundMessage.resident_id == bindparam("resident_id"),
            OutboundMessage.state == OutboxState.PENDING,
        )
        .order_by(OutboundMessage.id)
        .limit(1)
    )


@functools.cache
def _active_halt() -> Select[SendHalt]:
    return (
        select(SendHalt)
        .where(SendHalt.until > bindparam("now"))
        .order_by(SendHalt.until.desc())
        .limit(1)
    )
