"""Rows for the feedback tests: a resident, an office, a request of theirs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.models import Office
from app.requests.models import Request
from app.residents.models import Resident
from tests.support.loket import loket  # noqa: F401  (the live app fixture)

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


async def add_resident(session: AsyncSession, wa_id: str = "6281200008888") -> Resident:
    """A synthetic resident."""
    resident = Resident(wa_id=wa_id, name="Siti", language="id")
    session.add(resident)
    await session.flush()
    return resident


async def add_office(session: AsyncSession, code: str) -> Office:
    """A district office."""
    office = Office(code=code, name=f"Kantor Camat {code}", level="district")
    session.add(office)
    await session.flush()
    return office


async def add_request(
    session: AsyncSession,
    resident: Resident,
    ticket: str,
    *,
    service: str = "ktp",
    office: Office | None = None,
) -> Request:
    """A completed request of `resident`."""
    request = Request(
        ticket=ticket,
        service_code=service,
        resident_id=resident.id,
        office_id=office.id if office else None,
        status="completed",
        fields={},
    )
    session.add(request)
    await session.flush()
    return request
