"""The outbox: every message Loket sends, written with the state change that caused it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class OutboxState(enum.StrEnum):
    """Where a message is in our hands. Meta's view of it is `DeliveryStatus`."""

    PENDING = "pending"  # waiting for its turn (or for a retry time)
    SENT = "sent"  # Meta accepted it and gave a wamid
    GIVEN_UP = "given_up"  # a permanent error or too many attempts; can be re-sent by hand
    CANCELLED = "cancelled"  # replaced by something else (for example a template fallback)
    # Outside Meta's 24-hour window: kept until the resident writes again, then sent.
    HELD = "held"


class DeliveryStatus(enum.StrEnum):
    """Meta's status webhooks, ranked: a status never moves back down; failed is final."""

    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    PLAYED = "played"
    FAILED = "failed"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {
    DeliveryStatus.SENT: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.READ: 3,
    DeliveryStatus.PLAYED: 4,
    DeliveryStatus.FAILED: 9,
}


# Longest error text kept on a row (`last_error`): Meta's details can run long.
MAX_ERROR_TEXT = 2000


class OutboundMessage(Base):
    """One call to Meta's `/messages` endpoint: a message, a read receipt or a typing indicator.

    `body` is the exact JSON sent, minus `to`/`recipient`, which is filled at send time from the
    resident's current address.
    """

    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_message_due", "state", "resident_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    wamid: Mapped[str | None] = mapped_column(String(256), unique=True)
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The inbound event (if any) whose processing wrote this message: the audit trail of a reply.
    caused_by_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbound_event.id", ondelete="SET NULL")
    )
    # The approved template to send instead if Meta answers 131047 (the 24-hour window closed);
    # `hold_on_fallback` keeps this message to release when the resident answers the template.
    fallback: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    hold_on_fallback: Mapped[bool] = mapped_column(default=False)
    # Free text for humans: which operator action or flow step produced it.
    origin: Mapped[str | None] = mapped_column(String(64))
    # The engine's prompt id of the question an interactive message asks: a button reply names
    # this message by its wamid, and the prompt tells whether it answers the current question.
    prompt: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when retention replaced the personal data in `body` (app/conversations/retention.py).
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SendHalt(Base):
    """A pause on all sending: Meta's number-wide throttles, or an expired access token."""

    __tablename__ = "send_halt"

    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    until: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The origin of the "a message is waiting — tap to read" template: one invitation covers every
# message held for a resident until they write again (`app.outbox.delivery`).
ORIGIN_WAITING = "template:waiting"
