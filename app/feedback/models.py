"""Satisfaction survey responses (IKM, Permenpan RB 14/2017) and complaints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, utcnow

COMPLAINT_OPEN = "open"
COMPLAINT_CLOSED = "closed"


class SurveyResponse(Base):
    """One resident's scores (1..4) for the 9 IKM elements about one completed request.

    `office_id` and `service_code` are copied from the request so the figures can be grouped
    without a join; `index` (mean × 25) and `grade` are this response's own.
    """

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # One response per request: a replayed answer finds the row already there.
    request_id: Mapped[int] = mapped_column(
        ForeignKey("request.id", ondelete="CASCADE"), unique=True
    )
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("office.id", ondelete="SET NULL"), index=True
    )
    service_code: Mapped[str] = mapped_column(String(64), index=True)
    u1: Mapped[int] = mapped_column(SmallInteger)
    u2: Mapped[int] = mapped_column(SmallInteger)
    u3: Mapped[int] = mapped_column(SmallInteger)
    u4: Mapped[int] = mapped_column(SmallInteger)
    u5: Mapped[int] = mapped_column(SmallInteger)
    u6: Mapped[int] = mapped_column(SmallInteger)
    u7: Mapped[int] = mapped_column(SmallInteger)
    u8: Mapped[int] = mapped_column(SmallInteger)
    u9: Mapped[int] = mapped_column(SmallInteger)
    index: Mapped[float] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(String(1))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    @property
    def scores(self) -> list[int]:
        """The 9 scores in the official element order."""
        return [self.u1, self.u2, self.u3, self.u4, self.u5, self.u6, self.u7, self.u8, self.u9]


class Complaint(Base):
    """A complaint from a resident, about one of their requests (`ticket`) or in general."""

    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    ticket: Mapped[str | None] = mapped_column(String(40), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default=COMPLAINT_OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(64))
    # What the office did about it, written by the operator who closed it.
    resolution: Mapped[str | None] = mapped_column(Text)
