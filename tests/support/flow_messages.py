"""Loket sends a resident a WhatsApp Flow: an interactive `flow` message (reference §3.1) put in
the outbox through its own `enqueue`, so the outbox worker sends it and the sink gives it a wamid,
as any reply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot import flow_messages as bot_flow_messages
from app.db import unit_of_work
from app.outbox.models import OutboundMessage
from app.outbox.service import enqueue
from app.residents.models import Resident
from app.whatsapp_flows.registry import flow_name

# Siti's answers on the lost KTP-el form, as its completion's response_json carries them (with
# the flow_token besides).
LOST_KTP_ANSWERS: dict[str, Any] = {
    "variant": "hilang",
    "nik": "3201014508900003",
    "nama": "Siti Aminah",
    "no_kk": "3201012208150007",
    "alamat": "Dusun Mawar RT 02/RW 01, Desa Sukamaju",
    "consent": True,
}


def flow_message(
    code: str,
    *,
    token: str,
    screen: str,
    data: dict[str, Any],
    language: str = "id",
    cta: str = "Isi formulir",
    text: str = "Isi formulir permohonan di sini.",
) -> dict[str, Any]:
    """The Graph API body of a flow message opening `code`'s form by name, unaddressed, built
    as Loket builds it (`app.bot.flow_messages`)."""
    flow = {"flow_name": flow_name(code, language)}
    return bot_flow_messages.flow_message(
        text, cta=cta, token=token, flow=flow, screen=screen, data=data
    )


async def send_flow(
    sessionmaker: async_sessionmaker[AsyncSession], wa_id: str, body: dict[str, Any]
) -> int:
    """Queue `body` for the resident with this phone number; returns the outbox row's id."""
    async with unit_of_work(sessionmaker) as session:
        resident = (
            await session.execute(select(Resident).where(Resident.wa_id == wa_id))
        ).scalar_one()
        (row,) = await enqueue(session, resident=resident, bodies=[body])
        return int(row.id)


async def wamid_of(sessionmaker: async_sessionmaker[AsyncSession], row_id: int) -> str | None:
    """The wamid the sink gave the outbox row (None until it is sent)."""
    async with sessionmaker() as session:
        row = await session.get(OutboundMessage, row_id)
        return None if row is None else row.wamid
