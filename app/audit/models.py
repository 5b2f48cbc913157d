"""The audit log's table. Document reads have their own table (`document_access`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class AuditEvent(Base):
    """One security-relevant action: a sign-in, a pickup-code override, an export, a hand-off end.

    `actor` uses the history's form ("operator:<username>", "system", "cli"); `target` names
    what was acted on (a ticket, a username, an export's kind); `office_id` lets an admin filter.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_at_id", "at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("office.id", ondelete="SET NULL"), index=True
    )
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
