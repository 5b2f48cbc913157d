"""What the caller tells the engine about the resident on every turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any


@dataclass(frozen=True)
class RequestSummary:
    """One of the resident's submitted requests, as the status command shows it."""

    ticket: str
    service_code: str
    status: str
    updated_at: datetime
    due_date: date | None = None
    office_name: str | None = None
    pickup_place: str | None = None
    pickup_hours: str | None = None
    proxy_name: str | None = None  # who the resident named to collect it, if anyone
    delivery: str = "pickup"  # how it reaches the resident: pickup, digital or home


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
class Holiday:
    """A day off with a name: a national holiday ("Hari Raya Natal" / "Christmas Day")."""

    day: date
    name_id: str
    name_en: str

    def name(self, lang: str) -> str:
        """The holiday's name in the resident's language."""
        return self.name_en if lang == "en" else self.name_id


@dataclass(frozen=True)
class OfficeInfo:
    """Where and when the office serves residents: for side questions and hand-off promises.

    Times are local to the office. `days_off` lists the holidays (national and the office's
    own) in the coming weeks and `holidays` the names of those that have one (an office's own
    day off may have none); `opens_next` is the start of the next opening period, or now when
    the office is open. `region` is the office's Kemendagri region code (2, 4 or 6 digits), when
    configured: a NIK registered elsewhere is then pointed out (app/flows/derived.py).
    """

    name: str
    region: str | None = None
    address: str | None = None
    hours_text: str | None = None
    opening: time = time(8, 0)
    closing: time = time(16, 0)
    working_weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    days_off: tuple[date, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    open_now: bool = False
    opens_next: datetime | None = None


@dataclass(frozen=True)
class RememberedSubject:
    """A subject of earlier requests kept for next time (a fisher's boat).

    `key` identifies it among the resident's subjects of this `kind` (the boat's name,
    normalised); `fields` and `documents` ({requirement: [document ids]}) are what the catalog's
    subject block names; `expires_on` is the end of its permit when Loket holds one.
    """

    kind: str
    key: str
    label: str
    fields: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)
    expires_on: date | None = None


@dataclass(frozen=True)
class Remembered:
    """What the resident agreed Loket may keep between requests.

    `consent` is True (agreed), False (refused or withdrawn) or None (never asked); `person`
    maps "nik", "name", "kk", "address", "phone" to the resident's own answers. `renewal` names
    the subject (kind, key) an expiry reminder invited the resident to renew, if any.
    """

    consent: bool | None = None
    person: dict[str, str] = field(default_factory=dict)
    subjects: tuple[RememberedSubject, ...] = ()
    renewal: tuple[str, str, str] | None = None  # (service code, subject kind, subject key)


@dataclass(frozen=True)
class ResidentContext:
    """The resident's language, name, open requests and reusable documents, and their office.

    `forms` names the services whose WhatsApp Flow form may be offered (published, or allowed
    by the deployment): empty means chat only.
    """

    language: str = "id"
    name: str | None = None
    open_requests: list[RequestSummary] = field(default_factory=list)
    locker: list[StoredDocument] = field(default_factory=list)
    office: OfficeInfo | None = None
    forms: frozenset[str] = frozenset()
    memory: Remembered = field(default_factory=Remembered)
