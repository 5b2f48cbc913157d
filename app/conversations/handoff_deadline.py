"""Until when a hand-off waits for an officer before it goes back to the bot.

The engine keeps the deadline in the snapshot (`handoff_until`, computed from the office's
working hours when the hand-off began; None once an officer answered or when hand-offs never
time out). Operators see it on the dashboard; this module reads it for them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.models import Conversation

HANDOFF = "handoff"


def waits_until(conversation: Conversation) -> datetime | None:
    """The moment this hand-off returns to the bot if no officer answers; None: no limit."""
    raw = (conversation.snapshot or {}).get("handoff_until")
    if not raw:
        return None
    try:
        return datetime.fromisoformat(str(raw))
    except ValueError:
        return None


async def open_handoff(session: AsyncSession, resident_id: int) -> Conversation | None:
    """The resident's conversation if it is waiting for an officer now."""
    stmt = select(Conversation).where(
        Conversation.resident_id == resident_id, Conversation.status == HANDOFF
    )
    return (await session.execute(stmt)).scalar_one_or_none()
