"""The locker's tables: documents residents sent, the blobs holding them, and who looked at them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, JSONType, UTCDateTime, utcnow


class DocumentStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, being fetched and checked
    ACCEPTED = "accepted"  # passed intake; the file is in the store
    REJECTED = "rejected"  # failed a check; `reason` says which (the file is not kept)
    UNAVAILABLE = "unavailable"  # could not be downloaded; `last_error` says why


class AccessAction(enum.StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    EXPORT = "export"
    DELETE = "delete"


class Document(Base):
    """One file a resident sent for one requirement.

    The bytes live in the blob store under `sha256`; a thumbnail (images, scanned PDFs) under
    `thumbnail_sha256`. Purging keeps the row as a record (`purged_at` set) and drops the file.
    `released_at` is set by the caller when the request the document served completes or is
    cancelled; retention counts from there.
    """

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("resident_id", "requirement", "media_id"),
        Index("ix_document_resident_status", "resident_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id", ondelete="CASCADE"))
    request_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    requirement: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    media_id: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default=DocumentStatus.PENDING)
    reason: Mapped[str | None] = mapped_column(String(32))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    mime_type: Mapped[str | None] = mapped_column(String(128))
    declared_mime: Mapped[str | None] = mapped_column(String(128))
    pages: Mapped[int | None] = mapped_column(Integer)
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    check_detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    keep_for_reuse: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def has_file(self) -> bool:
        """True when the file can be read from the store."""
        return (
            self.status == DocumentStatus.ACCEPTED
            and self.purged_at is None
            and self.sha256 is not None
        )


class Blob(Base):
    """One stored file, shared by every document with the same content.

    A blob is deleted by `purge` once no unpurged document refers to it and it has not been used
    for a grace period; `last_used_at` is set *before* a file is written, so a purge running at the
    same moment can never delete a blob an ingest is about to point at.
    """

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    key_id: Mapped[str | None] = mapped_column(String(64))  # None: stored in plaintext
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DocumentAccess(Base):
    """Audit log: every view, download, export and deletion of a document (UU PDP).

    Rows outlive the document they describe: `document_id` becomes NULL if the row is ever deleted
    (a resident erased entirely), while `actor`, `action`, `reason` and `at` stay.
    """

    __tablename__ = "document_access"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(64))  # "operator:5", "system", "resident:12"
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
