"""Inbox events that fail for good, for the set-aside, retry, CLI and dashboard tests."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.inbox.models import KIND_INTERNAL, KIND_MESSAGE, InboundEvent
from app.inbox.processor import MAX_ATTEMPTS, InboundProcessor
from app.residents.models import Resident


async def seed_messages(
    sm: async_sessionmaker[AsyncSession], texts: Sequence[str], *, wa_id: str = "6281234500077"
) -> list[int]:
    """One resident's text messages in the inbox, in order; their event ids."""
    async with unit_of_work(sm) as session:
        person = Resident(wa_id=wa_id)
        session.add(person)
        await session.flush()
        events = [
            InboundEvent(
                dedup_key=f"m:wamid.F{wa_id}.{n}",
                kind=KIND_MESSAGE,
                resident_id=person.id,
                external_id=f"wamid.F{wa_id}.{n}",
                payload={"message": {"type": "text", "text": {"body": body}}},
            )
            for n, body in enumerate(texts)
        ]
        session.add_all(events)
        await session.flush()
        return [event.id for event in events]


async def seed_internal(
    sm: async_sessionmaker[AsyncSession], resident_id: int, item: dict[str, object], key: str
) -> int:
    async with unit_of_work(sm) as session:
        event = InboundEvent(
            dedup_key=f"i:{key}",
            kind=KIND_INTERNAL,
            resident_id=resident_id,
            external_id=key,
            payload={"input": item},
        )
        session.add(event)
        await session.flush()
        return event.id


async def run_until_set_aside(worker: InboundProcessor) -> None:
    """Give a failing event all its tries."""
    for _ in range(MAX_ATTEMPTS):
        await worker.run_once()


async def load_event(sm: async_sessionmaker[AsyncSession], event_id: int) -> InboundEvent:
    async with sm() as session:
        found = (
            await session.execute(select(InboundEvent).where(InboundEvent.id == event_id))
        ).scalar_one()
        return found
