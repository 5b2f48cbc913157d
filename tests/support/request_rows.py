"""Requests for the lifecycle tests: one created as the chat would submit it, and one read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.requests import service as requests
from app.requests.models import Request
from app.residents.models import Resident
from tests.support.loket import loket  # noqa: F401  (the live app fixture)


async def create_request(
    sm: async_sessionmaker[AsyncSession],
    *,
    wa_id: str = "6281200007777",
    last_inbound: timedelta | None = timedelta(minutes=5),
    language: str = "id",
    service: str = "ktp",
    status: str = "submitted",
    fields: dict[str, str] | None = None,
    delivery: str = "pickup",
) -> tuple[int, str]:
    """A resident who wrote `last_inbound` ago, with one request; returns (id, ticket).

    `fields` adds answers to the NIK and name every request has; `delivery` is the way the
    resident chose to receive the result."""
    now = datetime.now(UTC)
    async with unit_of_work(sm) as session:
        resident = Resident(
            wa_id=wa_id,
            name="Siti",
            language=language,
            last_inbound_at=None if last_inbound is None else now - last_inbound,
        )
        session.add(resident)
        await session.flush()
        request = await requests.submit(
            session,
            resident_id=resident.id,
            service_code=service,
            variant="hilang",
            fields={"nik": "3201014508900003", "nama": "Siti Aminah", **(fields or {})},
            documents=[],
            language=language,
            office_level="district",
            ticket_prefix_override="KTP",
            due_date=date(2026, 12, 11),
            now=now,
            local_today=date(2026, 11, 22),
            delivery=delivery,
        )
        request.status = status
        return request.id, request.ticket


async def load(sm: async_sessionmaker[AsyncSession], ticket: str) -> Request:
    from app.requests.repository import get_by_ticket

    async with sm() as session:
        request = await get_by_ticket(session, ticket)
        assert request is not None
        return request
