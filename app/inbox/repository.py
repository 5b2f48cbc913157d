"""SQL for the inbox: store webhook updates exactly once, and the look-ups workers and tests use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from time import perf_counter
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.observability import WEBHOOK_STAGE_SECONDS
from app.residents.models import Resident
from app.residents.repository import IdentityKey, ResidentIdentity, resolve_residents

_STAGE_RESOLVE = WEBHOOK_STAGE_SECONDS.labels(stage="resolve")
_STAGE_WRITE = WEBHOOK_STAGE_SECONDS.labels(stage="write")


class StorableUpdate(ResidentIdentity, Protocol):
    """What the inbox stores of an update (`app.bot.payloads.InboundUpdate` fits)."""

    @property
    def kind(self) -> str: ...
    @property
    def dedup_key(self) -> str: ...
    @property
    def external_id(self) -> str: ...
    @property
    def occurred_at(self) -> datetime | None: ...
    @property
    def payload(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class StoreOutcome:
    """How many updates became new inbox rows, how many were already there (or repeated), and
    the dedup keys of the new rows."""

    stored: int
    duplicates: int
    stored_keys: frozenset[str] = frozenset()


async def store_updates(session: AsyncSession, updates: Sequence[StorableUpdate]) -> StoreOutcome:
    """Insert one inbox row per new `dedup_key` (`INSERT … ON CONFLICT DO NOTHING`).

    Runs inside the caller's transaction: the caller commits, so "stored" means durable only after
    that commit. Residents are found or created first, and a message moves its resident's
    `last_inbound_at` (the start of Meta's 24-hour window) forward, never back.
    """
    unique: dict[str, StorableUpdate] = {}
    for item in updates:
        unique.setdefault(item.dedup_key, item)  # the same key twice in one INSERT is an error
    if not unique:
        return StoreOutcome(stored=0, duplicates=0)
    started = perf_counter()
    residents = await resolve_residents(session, unique.values())
    resolved = perf_counter()
    _STAGE_RESOLVE.observe(resolved - started)
    now = utcnow()
    rows = [
        {
            "dedup_key": key,
            "kind": item.kind,
            "resident_id": residents[(item.user_id, item.wa_id)],
            "external_id": item.external_id,
            "payload": item.payload,
            "occurred_at": item.occurred_at,
            "received_at": now,
            "attempts": 0,
        }
        # Arrival order: row ids are the order the worker handles a resident's messages in.
        for key, item in unique.items()
    ]
    inserted = {key for key in (await session.execute(_insert_rows(session), rows)).scalars()}
    await _advance_last_inbound(session, unique.values(), residents, now)
    _STAGE_WRITE.observe(perf_counter() - resolved)
    return StoreOutcome(
        stored=len(inserted),
        duplicates=len(updates) - len(inserted),
        stored_keys=frozenset(inserted),
    )


def _insert_rows(session: AsyncSession) -> Any:
    """One INSERT for any number of rows: executed with a list of rows, SQLAlchemy sends them as
    multi-row VALUES ("insertmanyvalues") from one cached compiled statement, where a `.values()`
    list is compiled anew for every batch size."""
    table = InboundEvent.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.dedup_key])
        .returning(table.c.dedup_key)
    )


async def _advance_last_inbound(
    session: AsyncSession,
    updates: Iterable[StorableUpdate],
    residents: dict[IdentityKey, int],
    now: datetime,
) -> None:
    latest: dict[int, datetime] = {}
    for item in updates:
        if item.kind != KIND_MESSAGE or item.occurred_at is None:
            continue  # without a timestamp the window stays as it was: templates are always safe
        # A clock ahead of ours must not stretch the window into the future.
        when = min(item.occurred_at, now)
        resident_id = residents[(item.user_id, item.wa_id)]
        latest[resident_id] = max(when, latest.get(resident_id, when))
    if not latest:
        return
    # One cached statement executed for the whole batch, in resident order (row locks taken in
    # the same order by concurrent writers): each window moves to the resident's latest message,
    # never back.
    table = cast(Table, Resident.__table__)
    column = table.c.last_inbound_at
    stmt = (
        update(table)
        .where(table.c.id == bindparam("rid"), or_(column.is_(None), column < bindparam("when")))
        .values(last_inbound_at=bindparam("when"))
    )
    await session.execute(stmt, [{"rid": rid, "when": latest[rid]} for rid in sorted(latest)])


async def pending_count(session: AsyncSession) -> int:
    """Inbox rows not processed yet."""
    count = await session.scalar(
        select(func.count()).select_from(InboundEvent).where(InboundEvent.processed_at.is_(None))
    )
    return int(count or 0)


async def get_by_external_id(
    session: AsyncSession, external_id: str, *, kind: str = KIND_MESSAGE
) -> InboundEvent | None:
    """The first inbox row of `kind` for a Meta message id (a status id is the id of our message,
    and one message can have several status rows: sent, delivered, read)."""
    stmt = (
        select(InboundEvent)
        .where(InboundEvent.external_id == external_id, InboundEvent.kind == kind)
        .order_by(InboundEvent.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
