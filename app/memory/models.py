"""Consent to be remembered, the resident's own data, and the subjects of their requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow

CONSENT_GRANTED = "granted"
CONSENT_REFUSED = "refused"
CONSENT_WITHDRAWN = "withdrawn"


class ResidentMemory(Base):
    """One row per resident who was asked: the answer and when, and the data kept with it.

    `person` holds "nik", "name", "kk", "address", "phone" while consent is `granted`; it is
    emptied when the resident withdraws ("hapus data saya"), the row itself stays as the record
    of the decision and its time.
    """

    __tablename__ = "resident_memory"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), unique=True
    )
    consent: Mapped[str] = mapped_column(String(16))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())
    person: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class RememberedSubject(Base):
    """A subject of the resident's requests (a boat), with its answers and documents.

    `subject_key` is the normalised name that tells it from the resident's other subjects of
    the same `kind`. `expires_on` is the end of its permit when known; `reminded_for` is the
    `expires_on` the expiry reminder was sent for (once per permit), and `reminded_at` when.
    """

    __tablename__ = "remembered_subject"
    __table_args__ = (UniqueConstraint("resident_id", "kind", "subject_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("resident.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200))
    service_code: Mapped[str] = mapped_column(String(40))
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    documents: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    expires_on: Mapped[date | None] = mapped_column(Date(), index=True)
    reminded_for: Mapped[date | None] = mapped_column(Date())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
