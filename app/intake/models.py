"""Media jobs: "fetch this photo into the locker for that requirement", queued by a turn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, utcnow


class MediaJob(Base):
    """One media item to fetch and check: written with the turn, run by the media worker.

    The worker holds a lease while it downloads (no transaction is open meanwhile); an expired lease
    means the worker died and another takes the job over. The locker's ingest is idempotent per
    media id and requirement, so a job run twice records one document.
    """

    __tablename__ = "media_job"
    __table_args__ = (Index("ix_media_job_state", "state", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    service_code: Mapped[str | None] = mapped_column(String(64))
    requirement: Mapped[str] = mapped_column(String(64))
    media_id: Mapped[str] = mapped_column(String(256))
    media_kind: Mapped[str] = mapped_column(String(16))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    sha256: Mapped[str | None] = mapped_column(String(128))
    filename: Mapped[str | None] = mapped_column(String(256))
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | done
    document_id: Mapped[int | None] = mapped_column(Integer)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
