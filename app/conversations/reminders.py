"""Idle conversations: when a wait deadline passes, queue a `TimeoutInput` for the engine.

The engine decides what a timeout means (one reminder, then expiry keeping the draft). Queueing
goes through the inbox so the timeout is ordered with the resident's own messages; the conversation
row is locked while its deadline is cleared, so two workers scanning at once queue it once (the
dedup key, naming the deadline, guards the rest). The scan runs every few seconds, so it first
looks in a read-only session (no write lock on SQLite) and opens a write transaction only when
a deadline has passed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.conversations.models import Conversation
from app.db import is_postgres, unit_of_work
from app.flows.inputs import TimeoutInput
from app.inbox.internal import queue_input

BATCH = 200


async def queue_timeouts(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    reader: async_sessionmaker[AsyncSession] | None = None,
) -> int:
    """Queue a timeout for every conversation whose deadline has passed; return how many.

    With `reader` (read-only sessions), nothing due means no write transaction at all."""
    due_filter = (Conversation.wait_expires_at.is_not(None), Conversation.wait_expires_at <= now)
    if reader is not None:
        async with reader() as session:
            if await session.scalar(select(Conversation.id).where(*due_filter).limit(1)) is None:
                return 0
    async with unit_of_work(sessionmaker) as session:
        stmt = (
            select(Conversation)
            .where(*due_filter)
            .order_by(Conversation.wait_expires_at)
            .limit(BATCH)
        )
        if is_postgres(session):
            stmt = stmt.with_for_update(skip_locked=True)
        due = list((await session.execute(stmt)).scalars())
        for conversation in due:
            deadline = conversation.wait_expires_at
            assert deadline is not None
            queue_input(
                session,
                resident_id=conversation.resident_id,
                key=f"timeout:{conversation.id}:{deadline.isoformat()}",
                item=TimeoutInput(),
                at=now,
            )
            conversation.wait_expires_at = None
        return len(due)
