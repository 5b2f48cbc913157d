"""What the caller tells the engine about the resident on every turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class RequestSummary:
    """One of the resident's submitted requests, as the status command shows it."""

    ticket: str
    service_code: str
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class StoredDocument:
    """An accepted document in the resident's locker that may be offered for reuse.

    `kind` matches a catalog document's `kind` (for example "kk" or "ktp").
    """

    document_id: str
    kind: str
    accepted_at: datetime
    expires_at: datetime | None = None


@dataclass(frozen=True)
class ResidentContext:
    """The resident's language, name, open requests and reusable documents."""

    language: str = "id"
    name: str | None = None
    open_requests: list[RequestSummary] = field(default_factory=list)
    locker: list[StoredDocument] = field(default_factory=list)
