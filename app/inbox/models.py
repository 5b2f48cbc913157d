"""The inbox: every webhook update, stored before Meta gets its 200."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow

KIND_MESSAGE = "message"
KIND_STATUS = "status"
# Produced by Loket itself for a resident (a document checked, a timeout, an operator action), so
# that every input of a resident's conversation goes through the same ordered, exactly-once queue.
KIND_INTERNAL = "internal"


class InboundEvent(Base):
    """One update from Meta: a resident's message or a delivery status of ours.

    `dedup_key` makes a re-delivery a no-op: `m:<wamid>` for a message and
    `s:<wamid>:<status>` for a status. Processing sets `processed_at` in the same transaction as
    the state change it causes, so an event is handled once even across crashes.
    """

    __tablename__ = "inbound_event"
    __table_args__ = (Index("ix_inbound_event_pending", "resident_id", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(320), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(256), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set when retention replaced the personal data in `payload` (app/conversations/retention.py).
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
