"""What operators read instead of codes: one presenter for every page and for the exports.

Codes stay in the database and the JSON API (`sipi_perpanjangan`, `jaring_insang`,
`operator:budi`, `image`, ISO dates); a person reads the catalog's titles and labels, the
operator's display name, dates as "17 Agustus 1990" (Babel, in the page's language) and times
in the office's timezone. Templates and the export writers call a `Presenter` and never format
a code themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.transcript import ChatLine
from app.counter.service import NAME_FIELD
from app.dashboard.i18n import status_label, translate
from app.dashboard.texts import MESSAGES
from app.flows.catalog import Catalog, FieldSpec, Service
from app.operators import repository as operators

OPERATOR_PREFIX = "operator:"
# Actors that are not operators, by the key of their name (app/dashboard/texts).
PLAIN_ACTORS = {
    "resident": "actor_resident",
    "system": "actor_system",
    "cli": "actor_cli",
    "anonymous": "actor_anonymous",
}
DATE_FORMAT = "d MMMM y"
TIME_FORMATS = {"id": "d MMMM y, HH.mm", "en": "d MMMM y, HH:mm"}
SECONDS = {"id": ".ss", "en": ":ss"}


@dataclass(frozen=True)
class Answer:
    """One answer as the request page lists it."""

    key: str
    label: str
    text: str


@dataclass(frozen=True)
class Applicant:
    """Who a request is for: the name given in its answers, and the WhatsApp profile's name."""

    name: str
    profile: str


def applicant_of(fields: Mapping[str, Any], profile_name: str | None) -> Applicant:
    """The applicant's own name from the answers (`nama`), else the profile name alone; the
    profile name beside it only when it says something else."""
    given = str(fields.get(NAME_FIELD) or "").strip()
    profile = (profile_name or "").strip()
    if not given:
        return Applicant(profile, "")
    same = " ".join(given.casefold().split()) == " ".join(profile.casefold().split())
    return Applicant(given, "" if same else profile)


@dataclass(frozen=True)
class Presenter:
    """Words for codes in one language; `names` maps usernames to display names."""

    catalog: Catalog
    lang: str
    tz: ZoneInfo
    names: Mapping[str, str] = field(default_factory=dict)

    def t(self, key: str) -> str:
        return translate(key, self.lang)

    # -- services and statuses ----------------------------------------------------------------

    def service(self, code: str) -> str:
        """`sipi_perpanjangan` → "Perpanjangan SIPI"; an unknown code shows as itself."""
        found = self.catalog.services.get(code)
        return found.names.get(self.lang) if found is not None else code

    def variant(self, code: str, variant: str | None) -> str:
        found = self.catalog.services.get(code)
        chosen = found.variant(variant) if found is not None else None
        return chosen.title.get(self.lang) if chosen is not None else (variant or "")

    def status(self, status: str | None) -> str:
        return status_label(status, self.lang) if status else "—"

    def channel(self, channel: str) -> str:
        key = f"export_channel_{channel}"
        return self.t(key) if key in MESSAGES else channel

    # -- dates ----------------------------------------------------------------------------------

    def date(self, value: date | str | None) -> str:
        """A day as "17 Agustus 1990"; text that is not an ISO date is shown as it is."""
        if not isinstance(value, str):
            return str(format_date(value, DATE_FORMAT, locale=self.lang)) if value else ""
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return value
        return str(format_date(day, DATE_FORMAT, locale=self.lang))

    def moment(self, at: datetime | None, *, seconds: bool = False) -> str:
        """A time in the office's timezone: "20 November 2026, 08.01" (or "08.01.05")."""
        if at is None:
            return ""
        pattern = TIME_FORMATS[self.lang] + (SECONDS[self.lang] if seconds else "")
        return format_datetime(at.astimezone(self.tz), pattern, locale=self.lang)

    # -- answers --------------------------------------------------------------------------------

    def _spec(self, service_code: str, key: str) -> FieldSpec | None:
        found = self.catalog.services.get(service_code)
        return found.field(key) if found is not None else None

    def field_label(self, service_code: str, key: str) -> str:
        spec = self._spec(service_code, key)
        return spec.label.get(self.lang) if spec is not None else key

    def answer(self, service_code: str, key: str, value: Any) -> str:
        """One answer: a choice's title, a date in words, anything else as typed."""
        spec = self._spec(service_code, key)
        if value is None:
            return ""
        if spec is not None and spec.validator == "choice":
            chosen = next((c for c in spec.choices if c.id == value), None)
            return chosen.title.get(self.lang) if chosen is not None else str(value)
        if spec is not None and spec.validator == "date":
            return self.date(str(value))
        return str(value)

    def answers(self, service_code: str, fields: Mapping[str, Any]) -> list[Answer]:
        return [
            Answer(key, self.field_label(service_code, key), self.answer(service_code, key, value))
            for key, value in fields.items()
        ]

    # -- documents ------------------------------------------------------------------------------

    def requirement(self, service_code: str, key: str) -> str:
        found: Service | None = self.catalog.services.get(service_code)
        spec = found.document(key) if found is not None else None
        return spec.label.get(self.lang) if spec is not None else key

    def document_labels(self, service_code: str, requirements: Sequence[str]) -> list[str]:
        """One label per attached file; files of the same requirement are numbered (1), (2)."""
        counts: dict[str, int] = {}
        for key in requirements:
            counts[key] = counts.get(key, 0) + 1
        seen: dict[str, int] = {}
        labels = []
        for key in requirements:
            label = self.requirement(service_code, key)
            if counts[key] > 1:
                seen[key] = seen.get(key, 0) + 1
                label = f"{label} ({seen[key]})"
            labels.append(label)
        return labels

    # -- people and the chat --------------------------------------------------------------------

    def operator(self, username: str | None) -> str:
        """An operator's display name (the username if they are not known)."""
        if not username:
            return ""
        return self.names.get(username) or username

    def actor(self, actor: str | None) -> str:
        """`operator:budi` → "Budi Santoso"; `resident` → "warga"."""
        if not actor:
            return ""
        if actor.startswith(OPERATOR_PREFIX):
            return self.operator(actor.removeprefix(OPERATOR_PREFIX))
        key = PLAIN_ACTORS.get(actor)
        return self.t(key) if key else actor

    def chat_text(self, line: ChatLine) -> str:
        """A message as text: "[foto] caption" for a photo, the text itself otherwise."""
        if line.media is None:
            return line.text
        key = f"media_{line.media}"
        kind = self.t(key if key in MESSAGES else "media_unknown")
        return f"[{kind}] {line.text}".rstrip()


def usernames_in(actors: Iterable[str | None]) -> set[str]:
    """The usernames behind `operator:` actors."""
    return {
        actor.removeprefix(OPERATOR_PREFIX)
        for actor in actors
        if actor and actor.startswith(OPERATOR_PREFIX)
    }


async def presenter_for(
    session: AsyncSession,
    catalog: Catalog,
    lang: str,
    tz: ZoneInfo,
    usernames: Iterable[str | None] = (),
) -> Presenter:
    """A presenter that knows the display names of `usernames` (one query)."""
    wanted = sorted({name for name in usernames if name})
    names = await operators.display_names(session, wanted) if wanted else {}
    return Presenter(catalog, lang, tz, names)
