"""Writing the audit log. Callers add the row to their own transaction, so an action and its
audit entry commit (or roll back) together."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.db import utcnow


class AuditAction(enum.StrEnum):
    """Every action the log knows; the admin page filters by these."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PICKUP_OVERRIDE = "pickup_override"
    DELIVERY_OVERRIDE = "delivery_override"
    ASSIGNED = "assigned"
    FORWARDED = "forwarded"
    COUNTER_INTAKE = "counter_intake"
    RESIDENT_LOOKUP = "resident_lookup"
    EXPORT = "export"
    HANDOFF_ENDED = "handoff_ended"
    HANDOFF_ENDED_BY_RESIDENT = "handoff_ended_by_resident"
    HANDOFF_TIMED_OUT = "handoff_timed_out"
    COMPLAINT_CLOSED = "complaint_closed"
    TOKEN_CREATED = "token_created"
    TOKEN_REVOKED = "token_revoked"
    OPERATOR_CREATED = "operator_created"
    OPERATOR_DISABLED = "operator_disabled"
    OPERATOR_ENABLED = "operator_enabled"
    PASSWORD_CHANGED = "password_changed"
    INBOX_RETRY = "inbox_retry"
    DOCUMENT_ISSUED = "document_issued"


def record(
    session: AsyncSession,
    *,
    actor: str,
    action: AuditAction,
    target: str | None = None,
    office_id: int | None = None,
    ip: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Add one audit row to the caller's transaction and return it."""
    event = AuditEvent(
        at=at or utcnow(),
        actor=actor[:64],
        action=action.value,
        target=target[:120] if target else None,
        office_id=office_id,
        ip=ip[:64] if ip else None,
        detail=detail or {},
    )
    session.add(event)
    return event
