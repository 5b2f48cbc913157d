"""Inbound events set aside after repeated failures: list them, and queue one again.

An admin retries an event after the cause is fixed (`loket inbox retry ID`, or the dashboard's
inbox page). Retrying clears the mark and the attempts, so the processing worker takes the event
like a new one, exactly once; an event that was handled (or is already queued again) cannot be
retried, so a double click cannot run it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.db import is_postgres
from app.inbox.models import KIND_INTERNAL, KIND_MESSAGE, KIND_STATUS, InboundEvent
from app.residents.models import Resident

MAX_AUDITED_ERROR = 500


class InboundEventNotFound(LookupError):
    """No inbound event has that id."""


class NotRetryable(ValueError):
    """Only an event set aside after repeated failures can be queued again."""


def subject_of(event: InboundEvent) -> str:
    """What the event carried, as a short stable code: `text`, `image`, `document_checked`,
    `correction_needed`, `status` … (the dashboard puts it into words)."""
    payload: Any = event.payload if isinstance(event.payload, dict) else {}
    if event.kind == KIND_MESSAGE:
        message = payload.get("message")
        kind = message.get("type") if isinstance(message, dict) else None
        return str(kind) if kind else "message"
    if event.kind == KIND_STATUS:
        return "status"
    if event.kind == KIND_INTERNAL:
        item = payload.get("input")
        if isinstance(item, dict):
            if item.get("type") == "operator" and item.get("kind"):
                return str(item["kind"])
            if item.get("type"):
                return str(item["type"])
    return event.kind


async def list_failed(
    session: AsyncSession, limit: int = 50
) -> Sequence[tuple[InboundEvent, Resident | None]]:
    """Set-aside events with their residents, the most recently set aside first."""
    stmt = (
        select(InboundEvent, Resident)
        .outerjoin(Resident, Resident.id == InboundEvent.resident_id)
        .where(InboundEvent.failed_at.is_not(None))
        .order_by(InboundEvent.failed_at.desc(), InboundEvent.id.desc())
        .limit(limit)
    )
    return [(event, resident) for event, resident in (await session.execute(stmt)).all()]


async def retry(
    session: AsyncSession, event_id: int, *, actor: str, ip: str | None = None
) -> InboundEvent:
    """Queue a set-aside event again and audit who did it, in the caller's transaction.

    It keeps its id, so among the resident's pending events it runs first. The audit row keeps
    the error the event was set aside with (the event's own is cleared for its new tries).
    """
    stmt = select(InboundEvent).where(InboundEvent.id == event_id)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    event = (await session.execute(stmt)).scalar_one_or_none()
    if event is None:
        raise InboundEventNotFound(f"inbound event {event_id} does not exist")
    if event.failed_at is None:
        state = "still pending" if event.processed_at is None else "already processed"
        raise NotRetryable(
            f"inbound event {event_id} is {state}; only events set aside after repeated "
            "failures can be retried"
        )
    record(
        session,
        actor=actor,
        action=AuditAction.INBOX_RETRY,
        target=f"inbound_event:{event.id}",
        ip=ip,
        detail={
            "kind": event.kind,
            "subject": subject_of(event),
            "resident_id": event.resident_id,
            "attempts": event.attempts,
            "error": (event.last_error or "")[:MAX_AUDITED_ERROR],
        },
    )
    event.failed_at = None
    event.processed_at = None
    event.attempts = 0
    event.last_error = None
    await session.flush()
    return event
