"""SQL for remembered data: one consent row per resident, one row per subject."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import is_postgres
from app.memory.models import RememberedSubject, ResidentMemory


async def memory_of(session: AsyncSession, resident_id: int) -> ResidentMemory | None:
    """The resident's consent row, if they were ever asked."""
    stmt = select(ResidentMemory).where(ResidentMemory.resident_id == resident_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def subjects_of(session: AsyncSession, resident_id: int) -> Sequence[RememberedSubject]:
    """The resident's remembered subjects, most recently used first."""
    stmt = (
        select(RememberedSubject)
        .where(RememberedSubject.resident_id == resident_id)
        .order_by(RememberedSubject.updated_at.desc(), RememberedSubject.id.desc())
    )
    return (await session.execute(stmt)).scalars().all()


async def subject(
    session: AsyncSession, resident_id: int, kind: str, key: str
) -> RememberedSubject | None:
    """One remembered subject by its kind and key."""
    stmt = select(RememberedSubject).where(
        RememberedSubject.resident_id == resident_id,
        RememberedSubject.kind == kind,
        RememberedSubject.subject_key == key,
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_subject(
    session: AsyncSession,
    *,
    resident_id: int,
    kind: str,
    key: str,
    label: str,
    service_code: str,
    fields: dict[str, Any],
    documents: dict[str, Any],
    expires_on: date | None,
    now: datetime,
) -> RememberedSubject:
    """A new remembered subject (the caller checked there is none with this key)."""
    row = RememberedSubject(
        resident_id=resident_id,
        kind=kind,
        subject_key=key,
        label=label,
        service_code=service_code,
        fields=fields,
        documents=documents,
        expires_on=expires_on,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def forget_subjects(session: AsyncSession, resident_id: int) -> None:
    """Delete every remembered subject of the resident."""
    await session.execute(
        delete(RememberedSubject).where(RememberedSubject.resident_id == resident_id)
    )


async def claim_due_expiries(
    session: AsyncSession, up_to: date, *, limit: int
) -> list[RememberedSubject]:
    """Subjects whose permit ends on or before `up_to` and whose reminder for that date has not
    gone out; locked so that another worker (PostgreSQL) skips them rather than wait."""
    stmt = (
        select(RememberedSubject)
        .where(
            RememberedSubject.expires_on.is_not(None),
            RememberedSubject.expires_on <= up_to,
            (RememberedSubject.reminded_for.is_(None))
            | (RememberedSubject.reminded_for != RememberedSubject.expires_on),
        )
        .order_by(RememberedSubject.expires_on, RememberedSubject.id)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars())
