"""Synthetic residents and outbox rows for the outbox tests (no real personal data)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot import messages
from app.db import unit_of_work
from app.outbox import service
from app.outbox.models import OutboundMessage, SendHalt
from app.residents.models import Resident

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
_serial = itertools.count(1)


class FakeClock:
    """A clock the test moves by hand; the worker reads it for every decision."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def resident(*, wa_id: str | None = "auto", user_id: str | None = None, **fields: Any) -> Resident:
    """An unsaved resident with a synthetic Indonesian-looking wa_id (62 899 is unassigned)."""
    if wa_id == "auto":
        wa_id = f"62899{next(_serial):07d}"
    return Resident(wa_id=wa_id, user_id=user_id, **fields)


async def create_resident(
    sessionmaker: async_sessionmaker[AsyncSession], **kwargs: Any
) -> Resident:
    """A resident committed to the database."""
    async with unit_of_work(sessionmaker) as session:
        person = resident(**kwargs)
        session.add(person)
        await session.flush()
    return person


async def enqueue_texts(
    sessionmaker: async_sessionmaker[AsyncSession],
    person: Resident,
    texts: list[str],
    *,
    now: datetime = START,
) -> list[int]:
    """Commit one text message per string for `person`; their outbox ids, in order."""
    async with unit_of_work(sessionmaker) as session:
        bodies = [body for text in texts for body in messages.text(text)]
        rows = await service.enqueue(session, resident=person, bodies=bodies, now=now)
        return [row.id for row in rows]


async def outbox_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> list[OutboundMessage]:
    async with sessionmaker() as session:
        return list(
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id))).scalars()
        )


async def row(sessionmaker: async_sessionmaker[AsyncSession], message_id: int) -> OutboundMessage:
    async with sessionmaker() as session:
        found = await session.get(OutboundMessage, message_id)
        assert found is not None
        return found


async def load_resident(
    sessionmaker: async_sessionmaker[AsyncSession], resident_id: int
) -> Resident:
    async with sessionmaker() as session:
        found = await session.get(Resident, resident_id)
        assert found is not None
        return found


async def halts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, SendHalt]:
    async with sessionmaker() as session:
        return {h.scope: h for h in (await session.execute(select(SendHalt))).scalars()}
