"""What the engine is told about a resident each turn: language, name, requests, locker, office."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.flows.context import Holiday, OfficeInfo, RequestSummary, ResidentContext
from app.intake import service as intake
from app.memory import service as memory
from app.offices.models import Office
from app.requests import repository as requests_repo
from app.requests.calendar import days_off_ahead, holiday_name, is_working_day, opens_next
from app.residents.models import Resident

# How far ahead the office's days off are told: a resident asks about this week or the next, or
# about "tanggal 25", which may be next month's.
DAYS_OFF_AHEAD = 45


async def build_context(
    session: AsyncSession, resident: Resident, *, now: datetime, settings: Settings | None = None
) -> ResidentContext:
    """The resident's open requests (for `status`), reusable documents (for reuse offers), what
    they agreed Loket remembers and, with `settings`, the office that serves them (for questions
    about hours and place)."""
    requests = list(await requests_repo.open_of_resident(session, resident.id))
    offices = await _offices(session, {r.office_id for r in requests if r.office_id})
    open_requests = [
        RequestSummary(
            ticket=request.ticket,
            service_code=request.service_code,
            status=request.status,
            updated_at=request.updated_at,
            due_date=request.due_date,
            office_name=offices[request.office_id].name if request.office_id in offices else None,
            pickup_place=request.pickup_place,
            pickup_hours=request.pickup_hours,
            proxy_name=request.proxy_name,
            delivery=request.delivery,
        )
        for request in requests
    ]
    office = None
    if settings is not None:
        newest = next((r.office_id for r in requests if r.office_id in offices), None)
        row = offices[newest] if newest is not None else await requests_repo.root_office(session)
        office = office_info(row, settings, now)
    locker = await intake.reusable_documents(session, resident_id=resident.id, now=now)
    return ResidentContext(
        language=resident.language,
        name=resident.name,
        open_requests=open_requests,
        locker=locker,
        office=office,
        memory=await memory.remembered(session, resident.id, now=now, stored=locker),
    )


def office_info(office: Office | None, settings: Settings, now: datetime) -> OfficeInfo:
    """The office as residents are told about it: its own address and hours when it has them,
    the install's opening hours and days off otherwise."""
    opening, closing = settings.opening_hours
    extra = settings.extra_holidays
    local = now.astimezone(settings.tz)
    open_now = is_working_day(local.date(), extra) and opening <= local.time() < closing
    days_off = days_off_ahead(local.date(), DAYS_OFF_AHEAD, extra)
    return OfficeInfo(
        name=office.name if office is not None else settings.office_name,
        region=settings.office_region,
        address=office.address if office is not None else None,
        hours_text=office.hours if office is not None else None,
        opening=opening,
        closing=closing,
        days_off=tuple(days_off),
        holidays=tuple(_named(days_off)),
        open_now=open_now,
        opens_next=opens_next(now, settings.tz, (opening, closing), extra),
    )


def _named(days: list[date]) -> list[Holiday]:
    """The national holidays among `days`, named in both languages (an office's own days off,
    from LOKET_HOLIDAYS, have no name)."""
    named = []
    for day in days:
        name_id, name_en = holiday_name(day, "id"), holiday_name(day, "en")
        if name_id is not None and name_en is not None:
            named.append(Holiday(day=day, name_id=name_id, name_en=name_en))
    return named


async def _offices(session: AsyncSession, ids: set[int]) -> dict[int, Office]:
    if not ids:
        return {}
    rows = await session.execute(select(Office).where(Office.id.in_(ids)))
    return {office.id: office for office in rows.scalars()}
