"""Inputs Loket gives the engine itself: a document verdict, a timeout, an operator action.

They go through the resident's inbox like the resident's own messages, so the engine sees every
input of one resident in one order, exactly once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.flows.inputs import Input, input_to_dict
from app.inbox.models import KIND_INTERNAL, InboundEvent


def queue_input(
    session: AsyncSession, *, resident_id: int, key: str, item: Input, at: datetime
) -> None:
    """Queue `item` for the resident, committed with the caller's transaction.

    `key` names the occasion (for example `survey:KTP-261122-0042`): queueing the same key twice
    is a duplicate, which the inbox's unique key refuses.
    """
    session.add(
        InboundEvent(
            dedup_key=f"i:{key}",
            kind=KIND_INTERNAL,
            resident_id=resident_id,
            external_id=key,
            payload={"input": input_to_dict(item)},
            occurred_at=at,
            received_at=at,
        )
    )
