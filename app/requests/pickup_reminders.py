"""Uncollected pickups: remind a resident whose document waits at the office.

Entering `ready_for_pickup` schedules the first reminder `pickup_reminder_days` working days
later, at the office's opening time; leaving the status (completed, rejected...) clears it. The
job claims due requests, sends the reminder (free-form inside Meta's window, the approved
`loket_pengingat_ambil` template outside it), counts it, schedules the next one or stops after
`pickup_reminders_max`, and writes a history row — all in the transaction that claimed the
request, so a crash either sends nothing or sends it and records it, never twice.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot import messages
from app.config import Settings
from app.db import is_postgres, unit_of_work
from app.flows.catalog import Catalog
from app.notifications.catalog import text
from app.outbox import delivery
from app.requests.calendar import add_working_days
from app.requests.models import EVENT_PICKUP_REMINDER, Request, RequestEvent
from app.requests.status import RequestStatus
from app.residents.models import Resident

log = structlog.get_logger(__name__)

TEMPLATE = "loket_pengingat_ambil"
BATCH = 100
READY = RequestStatus.READY_FOR_PICKUP.value


def reminder_time(after: datetime, settings: Settings) -> datetime:
    """The office's opening time, `pickup_reminder_days` working days after `after` (UTC)."""
    local_day = after.astimezone(settings.tz).date()
    day = add_working_days(local_day, settings.pickup_reminder_days, settings.extra_holidays)
    opening = settings.opening_hours[0]
    return datetime.combine(day, opening, tzinfo=settings.tz).astimezone(UTC)


def track(request: Request, settings: Settings, now: datetime) -> None:
    """After a status change: schedule the first reminder on entering pickup, else clear it."""
    if request.status == READY and settings.pickup_reminders_max > 0:
        request.pickup_reminders_sent = 0
        request.next_pickup_reminder_at = reminder_time(now, settings)
    else:
        request.next_pickup_reminder_at = None


async def claim_due(session: AsyncSession, now: datetime, *, limit: int = BATCH) -> list[Request]:
    """Lock due reminders; another worker (PostgreSQL) skips them rather than wait."""
    stmt = (
        select(Request)
        .where(
            Request.status == READY,
            Request.next_pickup_reminder_at.is_not(None),
            Request.next_pickup_reminder_at <= now,
        )
        .order_by(Request.next_pickup_reminder_at, Request.id)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list((await session.execute(stmt)).scalars())


async def remind(
    session: AsyncSession, request: Request, now: datetime, *, catalog: Catalog, settings: Settings
) -> str:
    """Send one claimed request's reminder and record it; returns how it went out."""
    resident = await session.get(Resident, request.resident_id)
    assert resident is not None  # request.resident_id is a RESTRICT foreign key
    service = catalog.services.get(request.service_code)
    values = {
        "service": service.names.get(resident.language) if service else request.service_code,
        "ticket": request.ticket,
        # Both are set on entering the status; "-" keeps a hand-edited row from failing the job.
        "place": request.pickup_place or "-",
        "hours": request.pickup_hours or "-",
    }
    outcome = await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(text("uncollected", resident.language, **values)),
        ticket=request.ticket,
        now=now,
        origin=EVENT_PICKUP_REMINDER,
        template=(TEMPLATE, values),
    )
    sent = request.pickup_reminders_sent + 1
    request.pickup_reminders_sent = sent
    more = sent < settings.pickup_reminders_max
    request.next_pickup_reminder_at = reminder_time(now, settings) if more else None
    session.add(
        RequestEvent(
            request_id=request.id,
            at=now,
            actor="system",
            data={"kind": EVENT_PICKUP_REMINDER, "n": sent},
        )
    )
    await session.flush()
    log.info("pickup reminder sent", ticket=request.ticket, n=sent, outcome=outcome)
    return outcome


async def send_due_reminders(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    catalog: Catalog,
    settings: Settings,
) -> int:
    """Remind every request whose reminder is due, one transaction per batch; return how many."""
    total = 0
    while True:
        async with unit_of_work(sessionmaker) as session:
            due = await claim_due(session, now)
            for request in due:
                await remind(session, request, now, catalog=catalog, settings=settings)
        total += len(due)
        if len(due) < BATCH:
            return total
