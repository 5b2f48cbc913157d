"""SQL for residents: find or create the person behind each inbound update.

A resident is known by Meta's business-scoped `user_id` (BSUID), by the phone-number `wa_id`, or
both. The BSUID wins when present: a phone number can move to someone else, a BSUID cannot.
Several `serve` processes may meet the same new resident at the same moment, so creation is
`INSERT … ON CONFLICT DO NOTHING` followed by a fresh look-up, and every change that could collide
with a concurrent writer runs in a savepoint and is retried from a fresh look-up when it does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import structlog
from sqlalchemy import select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.residents.models import Resident

log = structlog.get_logger(__name__)

IdentityKey = tuple[str | None, str | None]
"""`(user_id, wa_id)` as carried by an update; at least one of them is set."""

_ATTEMPTS = 5


class ResidentIdentity(Protocol):
    """What `resolve_residents` needs from an update (`app.bot.payloads.InboundUpdate` fits)."""

    @property
    def user_id(self) -> str | None: ...
    @property
    def wa_id(self) -> str | None: ...
    @property
    def profile_name(self) -> str | None: ...
    @property
    def username(self) -> str | None: ...


@dataclass(frozen=True)
class _Row:
    id: int
    user_id: str | None
    wa_id: str | None
    name: str | None
    username: str | None


class _StaleError(Exception):
    """The rows changed between the look-up and the write."""


class ResidentConflictError(RuntimeError):
    """The identity kept changing under concurrent writers; the caller's transaction should fail."""


async def resolve_residents(
    session: AsyncSession, updates: Iterable[ResidentIdentity]
) -> dict[IdentityKey, int]:
    """Map every update's `(user_id, wa_id)` to a resident id, creating residents as needed.

    - a known `user_id` finds its resident, which also takes the `wa_id` when one is given;
    - an unknown `user_id` with a `wa_id` already held by a resident without a BSUID attaches the
      BSUID to that resident (the same person, seen before Meta sent BSUIDs);
    - an unknown `user_id` with a `wa_id` held by a resident with a *different* BSUID means the
      number moved to someone else: the old resident loses the `wa_id`;
    - a `wa_id` alone finds or creates the resident holding it.
    The profile name and username are updated when an update carries them.
    """
    profiles: dict[IdentityKey, tuple[str | None, str | None]] = {}
    for item in updates:
        key = (item.user_id, item.wa_id)
        if key == (None, None):
            raise ValueError("an update needs a user_id or a wa_id")
        name, username = profiles.get(key, (None, None))
        profiles[key] = (item.profile_name or name, item.username or username)
    known, absent = await _known(session, profiles)
    known.update(await _create_many(session, absent, profiles))
    resolved: dict[IdentityKey, int] = {}
    # A fixed order keeps row locks in the same order across concurrent transactions.
    for key in sorted(profiles, key=_order):
        row = known.get(key) or await _resolve_one(session, *key)
        await _update_profile(session, row, *profiles[key])
        resolved[key] = row.id
    return resolved


def _order(key: IdentityKey) -> tuple[str, str]:
    return (key[0] or "", key[1] or "")


async def _known(
    session: AsyncSession, keys: Iterable[IdentityKey]
) -> tuple[dict[IdentityKey, _Row], list[IdentityKey]]:
    """Identities already settled in the database, found with one query for the whole batch, and
    the identities none of whose ids the database holds (new people).

    Nearly every update comes from a resident seen before with the same ids, or from someone new;
    only the others (a BSUID arriving for a phone number, a number moving) take the careful path.
    """
    keys = list(keys)
    user_ids = {u for u, _ in keys if u}
    wa_ids = {w for _, w in keys if w}
    if not user_ids and not wa_ids:
        return {}, []
    columns = (Resident.id, Resident.user_id, Resident.wa_id, Resident.name, Resident.username)
    # One SELECT per id kind, each on its own unique index: SQLite answers `user_id IN (…) OR
    # wa_id IN (…)` with a scan of the whole table.
    parts = [select(*columns).where(Resident.user_id.in_(user_ids))] if user_ids else []
    if wa_ids:
        parts.append(select(*columns).where(Resident.wa_id.in_(wa_ids)))
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    rows = list({found[0]: _Row(*found) for found in (await session.execute(stmt)).all()}.values())
    by_user = {row.user_id: row for row in rows if row.user_id}
    by_wa = {row.wa_id: row for row in rows if row.wa_id}
    settled: dict[IdentityKey, _Row] = {}
    absent: list[IdentityKey] = []
    for user_id, wa_id in keys:
        row = by_user.get(user_id) if user_id else by_wa.get(wa_id or "")
        # With a BSUID, the row is settled only if it already holds this phone number (or none
        # was sent); anything else may need the number moved, which the careful path does.
        if row is not None and (not user_id or wa_id is None or row.wa_id == wa_id):
            settled[(user_id, wa_id)] = row
        elif row is None and (wa_id is None or wa_id not in by_wa):
            absent.append((user_id, wa_id))
    return settled, absent


async def _create_many(
    session: AsyncSession,
    absent: list[IdentityKey],
    profiles: dict[IdentityKey, tuple[str | None, str | None]],
) -> dict[IdentityKey, _Row]:
    """Create the residents of `absent` with one statement (`INSERT … ON CONFLICT DO NOTHING`).

    An identity sharing an id with another one of the batch, or whose row a concurrent writer
    created first (its insert does nothing), is left out of the answer: the careful path settles
    it from a fresh look-up.
    """
    user_count = Counter(u for u, _ in absent if u)
    wa_count = Counter(w for _, w in absent if w)
    lone = [
        key
        for key in sorted(absent, key=_order)
        if (key[0] is None or user_count[key[0]] == 1) and (key[1] is None or wa_count[key[1]] == 1)
    ]
    if not lone:
        return {}
    table = Resident.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Executed with a list of rows: one cached statement, sent as multi-row VALUES.
    stmt = (
        dialect.insert(table)
        .on_conflict_do_nothing()
        .returning(table.c.id, table.c.user_id, table.c.wa_id, table.c.name, table.c.username)
    )
    values = [
        {"user_id": u, "wa_id": w, "name": profiles[(u, w)][0], "username": profiles[(u, w)][1]}
        for u, w in lone
    ]
    created: dict[IdentityKey, _Row] = {}
    for found in (await session.execute(stmt, values)).all():
        row = _Row(*found)
        created[(row.user_id, row.wa_id)] = row
    return created


async def _resolve_one(session: AsyncSession, user_id: str | None, wa_id: str | None) -> _Row:
    for _ in range(_ATTEMPTS):
        by_user = await _find(session, Resident.user_id == user_id) if user_id else None
        by_wa = await _find(session, Resident.wa_id == wa_id) if wa_id else None
        try:
            async with session.begin_nested():
                row = await _settle(session, user_id, wa_id, by_user, by_wa)
                if row is None:
                    raise _StaleError  # undo this attempt's changes before looking again
        except (IntegrityError, _StaleError):
            continue  # a concurrent writer changed these rows first
        return row
    raise ResidentConflictError(f"could not settle resident {user_id!r} / {wa_id!r}")


async def _settle(
    session: AsyncSession,
    user_id: str | None,
    wa_id: str | None,
    by_user: _Row | None,
    by_wa: _Row | None,
) -> _Row | None:
    """One attempt from a fresh look-up; None means "state changed meanwhile, try again"."""
    if user_id is None:
        return by_wa or await _create(session, None, wa_id)
    if by_user is not None:
        if wa_id is None or by_user.wa_id == wa_id:
            return by_user
        if by_wa is not None and by_wa.user_id is None:
            # Both rows are probably the same person (first seen before BSUIDs, then by BSUID
            # only); rows are never merged, so the older row keeps the number.
            log.warning("resident known twice", resident_id=by_user.id, other_id=by_wa.id)
            return by_user
        if by_wa is not None and not await _release_wa_id(session, by_wa.id, wa_id):
            return None
        moved = await session.execute(
            update(Resident).where(Resident.id == by_user.id).values(wa_id=wa_id)
        )
        return replace(by_user, wa_id=wa_id) if _rowcount(moved) == 1 else None
    if by_wa is not None and by_wa.user_id is None:
        attached = await session.execute(
            update(Resident)
            .where(Resident.id == by_wa.id, Resident.user_id.is_(None))
            .values(user_id=user_id)
        )
        return replace(by_wa, user_id=user_id) if _rowcount(attached) == 1 else None
    if by_wa is not None and not await _release_wa_id(session, by_wa.id, wa_id):
        return None
    return await _create(session, user_id, wa_id)


async def _release_wa_id(session: AsyncSession, resident_id: int, wa_id: str | None) -> bool:
    """The number now belongs to someone else: clear it on the old resident."""
    log.info("phone number moved to another resident", resident_id=resident_id)
    cleared = await session.execute(
        update(Resident)
        .where(Resident.id == resident_id, Resident.wa_id == wa_id)
        .values(wa_id=None)
    )
    return _rowcount(cleared) == 1


async def _create(session: AsyncSession, user_id: str | None, wa_id: str | None) -> _Row | None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(Resident)
        .values(user_id=user_id, wa_id=wa_id)
        .on_conflict_do_nothing()
        .returning(Resident.id)
    )
    new_id = (await session.execute(stmt)).scalar_one_or_none()
    if new_id is None:
        return None  # someone created it (or took one of the ids) first: look again
    return _Row(id=new_id, user_id=user_id, wa_id=wa_id, name=None, username=None)


async def _update_profile(
    session: AsyncSession, row: _Row, name: str | None, username: str | None
) -> None:
    changes: dict[str, Any] = {}
    if name is not None and name != row.name:
        changes["name"] = name
    if username is not None and username != row.username:
        changes["username"] = username
    if changes:
        await session.execute(update(Resident).where(Resident.id == row.id).values(**changes))


async def _find(session: AsyncSession, condition: Any) -> _Row | None:
    stmt = select(
        Resident.id, Resident.user_id, Resident.wa_id, Resident.name, Resident.username
    ).where(condition)
    found = (await session.execute(stmt)).first()
    if found is None:
        return None
    resident_id, user_id, wa_id, name, username = found
    return _Row(id=resident_id, user_id=user_id, wa_id=wa_id, name=name, username=username)


def _rowcount(result: Any) -> int:
    return int(result.rowcount)
