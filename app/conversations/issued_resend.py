"""The resident asked for their issued document again (`ResendIssued`): send it, or say why not.

Only the number that made the request receives its document: a ticket of another resident gets
the same polite refusal as an unknown one (nothing tells whether it exists). Without a ticket the
resident's latest issued document goes. Within retention only: a request whose data retention
has redacted no longer has a document to send.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.config import Settings
from app.flows.catalog import Catalog
from app.flows.events import ResendIssued
from app.notifications.catalog import text
from app.outbox import delivery
from app.requests import repository as requests_repo
from app.requests.issued_models import IssuedDocument
from app.requests.issued_send import send_issued
from app.requests.models import Request
from app.residents.models import Resident

ORIGIN = "issued:resend"


async def resend_issued(
    session: AsyncSession,
    *,
    resident: Resident,
    event: ResendIssued,
    catalog: Catalog,
    settings: Settings,
    now: datetime,
    caused_by_event_id: int | None,
) -> bool:
    """Queue the issued document again, or a polite answer; True when the document goes."""
    found = await _issued(session, resident, event.ticket)
    if found is not None:
        request, issued = found
        await send_issued(
            session, settings=settings, catalog=catalog, request=request, issued=issued, now=now
        )
        return True
    language = resident.language
    if event.ticket is not None:
        words = text("issued_resend_other", language, ticket=event.ticket)
    else:
        words = text("issued_resend_none", language)
    await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(words),
        ticket=event.ticket or "-",
        now=now,
        origin=ORIGIN,
        kind="text",
        caused_by_event_id=caused_by_event_id,
    )
    return False


async def _issued(
    session: AsyncSession, resident: Resident, ticket: str | None
) -> tuple[Request, IssuedDocument] | None:
    """This resident's request (the named one, else the latest issued) and its document."""
    if ticket is not None:
        request = await requests_repo.get_by_ticket(session, ticket)
        if request is None or request.resident_id != resident.id or request.redacted_at:
            return None
        issued = await session.scalar(
            select(IssuedDocument).where(IssuedDocument.request_id == request.id)
        )
        return (request, issued) if issued is not None else None
    row = (
        await session.execute(
            select(Request, IssuedDocument)
            .join(IssuedDocument, IssuedDocument.request_id == Request.id)
            .where(Request.resident_id == resident.id, Request.redacted_at.is_(None))
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None
