"""Inbound updates as the webhook parser hands them to the inbox, and the residents they made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.payloads import InboundUpdate
from app.residents.models import Resident


def inbound_message(
    wamid: str,
    *,
    wa_id: str | None,
    user_id: str | None = None,
    name: str | None = None,
    username: str | None = None,
    at: datetime | None = None,
) -> InboundUpdate:
    """A text message "halo" from the person with this number and/or BSUID."""
    return InboundUpdate(
        kind="message",
        dedup_key=f"m:{wamid}",
        external_id=wamid,
        user_id=user_id,
        wa_id=wa_id,
        profile_name=name,
        username=username,
        occurred_at=at,
        payload={"message": {"id": wamid, "type": "text", "text": {"body": "halo"}}},
    )


async def resident_identities(
    session: AsyncSession,
) -> list[tuple[str | None, str | None, str | None]]:
    """Every resident's (BSUID, number, name), in the order they were created."""
    rows = await session.execute(
        select(Resident.user_id, Resident.wa_id, Resident.name).order_by(Resident.id)
    )
    return [(user_id, wa_id, name) for user_id, wa_id, name in rows]
