"""A conversation: the engine's session snapshot for one resident."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class Conversation(Base):
    """The resident's current session with the bot, stored as the engine's JSON snapshot.

    `wait_expires_at` is indexed so the reminder job finds idle conversations without reading JSON.
    """

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), unique=True
    )
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="idle")
    wait_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Set while an operator has the conversation (status "handoff"): since when and why.
    handoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handoff_reason: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When retention last pruned the snapshot; it keeps `updated_at`, so a later turn shows.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
