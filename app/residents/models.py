"""A resident: one person writing to the business number."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, utcnow


class Resident(Base):
    """A person known by Meta's business-scoped `user_id` and/or phone-number `wa_id`.

    Meta is rolling out usernames: a payload may carry only `user_id`, only `wa_id` (older shape) or
    both. Either may be missing, never both; each is unique when present.
    """

    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(String(256), unique=True)
    wa_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(256))
    username: Mapped[str | None] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(8), default="id")
    # Start of Meta's customer-service window: the last message the resident sent us.
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Outbox lease: one worker at a time sends to a resident, which keeps their messages in order.
    outbox_lease_owner: Mapped[str | None] = mapped_column(String(64))
    outbox_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Meta's pair rate limit (131056): nothing goes to this resident before this time.
    outbox_not_before: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def address(self) -> str:
        """The identifier to send to: the phone number when known, else the business-scoped id."""
        return self.wa_id or self.user_id or ""

    @property
    def display_id(self) -> str:
        return self.wa_id or self.user_id or f"resident-{self.id}"
