"""The document an office issued for a request: kept in the locker, findable by its code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, utcnow


class IssuedDocument(Base):
    """The issued PDF of one request (one per request: a new upload replaces the record).

    `sha256` is of the file exactly as handed to the resident (after Loket signed it, when it
    does); `code` is what the QR code and the verification page name; `signed_by` says who signed
    it: "loket" (the office's certificate held here), "office" (signed before upload) or "none".
    """

    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("request.id", ondelete="CASCADE"), unique=True
    )
    document_id: Mapped[int] = mapped_column(Integer, index=True)  # the locker's Document
    code: Mapped[str] = mapped_column(String(16), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    signed_by: Mapped[str] = mapped_column(String(16))
    issued_by: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # How many times the public page was asked about this code.
    lookups: Mapped[int] = mapped_column(Integer, default=0)
