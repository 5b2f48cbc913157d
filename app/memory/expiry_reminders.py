"""Expiry reminders: 30 days before a remembered permit ends, invite the resident to renew it.

A remembered subject (a fisher's boat) carries the date its permit ends when Loket holds one
(the catalog's `memory.subject.expires`). From `REMIND_DAYS_BEFORE` days before that date, at
the office's opening time or later, the job claims the subject, sends the reminder (free-form
with a "Perpanjang" button inside Meta's window, the approved `loket_pengingat_perpanjang`
template with the same quick reply outside it; with the renewal form when the service's form
can be sent, `renewal_form_reminder`) and records `reminded_for` = that date, all in
the transaction that claimed it: once per permit, never twice. A permit already renewing (an
open request of the service for the same subject) or already ended is marked without a message.
The resident's "perpanjang" (typed, or the button) then starts the renewal with the subject's
data offered (`recall_reply.intercept`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot import messages
from app.config import Settings
from app.db import unit_of_work
from app.flows.catalog import Catalog
from app.flows.messages import shipped_messages
from app.flows.recall import subject_key
from app.flows.recall_reply import RENEW_CHOICE
from app.memory import repository
from app.memory.models import RememberedSubject
from app.memory.renewal_form_reminder import send_renewal_form
from app.notifications.catalog import text, texts
from app.outbox import delivery
from app.requests import repository as requests_repo
from app.residents.models import Resident

log = structlog.get_logger(__name__)

TEMPLATE = "loket_pengingat_perpanjang"
ORIGIN = "expiry_reminder"
REMIND_DAYS_BEFORE = 30
BATCH = 100


async def send_due_expiry_reminders(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    *,
    catalog: Catalog,
    settings: Settings,
) -> int:
    """Send every due expiry reminder, one transaction per batch; return how many went out."""
    local = now.astimezone(settings.tz)
    if local.time() < settings.opening_hours[0]:
        return 0  # not at night: the reminder waits for the office's opening time
    up_to = local.date() + timedelta(days=REMIND_DAYS_BEFORE)
    sent = 0
    while True:
        async with unit_of_work(sessionmaker) as session:
            due = await repository.claim_due_expiries(session, up_to, limit=BATCH)
            for subject in due:
                sent += await _remind(session, subject, now, catalog=catalog, settings=settings)
        if len(due) < BATCH:
            return sent


async def _remind(
    session: AsyncSession,
    subject: RememberedSubject,
    now: datetime,
    *,
    catalog: Catalog,
    settings: Settings,
) -> int:
    """Remind about one claimed subject (or only mark it); 1 when a message went out."""
    expires_on = subject.expires_on
    assert expires_on is not None  # claimed for its date
    subject.reminded_for, subject.reminded_at = expires_on, now
    service = catalog.services.get(subject.service_code)
    resident = await session.get(Resident, subject.resident_id)
    today = now.astimezone(settings.tz).date()
    if service is None or resident is None or expires_on < today:
        return 0
    if await _renewing(session, subject, catalog):
        log.info("expiry reminder skipped: renewal under way", subject=subject.id)
        return 0
    language = resident.language if resident.language in texts() else "id"
    values = {
        "service": service.names.get(language),
        "subject": subject.label,
        "date": shipped_messages().date(language, expires_on),
    }
    if await send_renewal_form(
        session,
        settings=settings,
        resident=resident,
        service=service,
        subject=subject,
        values=values,
        now=now,
        origin=ORIGIN,
    ):
        await session.flush()
        log.info("expiry reminder sent with the renewal form", subject=subject.id)
        return 1
    button = text("renew_button", language)
    body = messages.buttons(
        text("permit_expiring", language, **values), [messages.Button(RENEW_CHOICE, button)]
    )
    outcome = await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=[body],
        ticket="-",
        now=now,
        origin=ORIGIN,
        template=(TEMPLATE, values),
        kind="buttons",
    )
    await session.flush()
    log.info("expiry reminder sent", subject=subject.id, outcome=outcome)
    return 1


async def _renewing(session: AsyncSession, subject: RememberedSubject, catalog: Catalog) -> bool:
    """True when an open request of the same service is about the same subject."""
    service = catalog.services.get(subject.service_code)
    spec = service.memory.subject if service is not None and service.memory else None
    if spec is None:
        return False
    for request in await requests_repo.open_of_resident(session, subject.resident_id):
        if request.service_code != subject.service_code:
            continue
        fields = request.fields or {}
        names = [str(fields[key]) for key in spec.keys if key in fields]
        if len(names) == len(spec.keys) and subject_key(" ".join(names)) == subject.subject_key:
            return True
    return False
