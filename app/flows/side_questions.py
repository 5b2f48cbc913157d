"""Answers to side questions: office hours and days, pickup, fees, service time, coming in person.

A resident filling in a request may ask something back ("nanti diambil di mana?", "hari Sabtu
buka?", "bayar berapa?"). The answer comes from the office settings (`ResidentContext.office`)
and the catalog (a day asked about is judged by app/flows/office_days.py, holidays included);
the caller then re-asks the open step. A topic this module has nothing to say about returns
None, and the message is handled as before.
"""

from __future__ import annotations

from app.flows import delivery_choice
from app.flows.catalog import Service
from app.flows.context import OfficeInfo
from app.flows.office_days import asked_date, day_line, next_weekday
from app.flows.textmatch import normalize
from app.flows.turn import Turn

# Day names residents ask about, by weekday number (Monday is 0).
_DAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip
# Topics that need a service to be answered.
SERVICE_TOPICS = frozenset({"fees", "duration", "in_person", "pickup"})


def answer(turn: Turn, topic: str | None, text: str, service: str | None) -> str | None:
    """The answer to a question on `topic` (the intent classifier's), or None."""
    if topic == "office":
        return office_answer(turn, text)
    found = _service(turn, service)
    if topic == "where_document":
        return where_answer(turn, text, found)
    if topic == "pickup":
        if found is None:
            return turn.t("aside.pickup_general")
        told = turn.t(
            "aside.pickup", service=found.names.get(turn.lang), pickup=found.pickup.get(turn.lang)
        )
        ways = delivery_choice.ways_line(turn, found)
        return f"{told}\n{ways}" if ways else told
    if found is None:
        return None
    if topic == "fees":
        return found.fee.note.get(turn.lang)
    if topic == "duration":
        return turn.t("aside.duration", service=found.names.get(turn.lang), days=found.service_days)
    if topic == "in_person" and found.in_person is not None:
        return found.in_person.get(turn.lang)
    return None


# Words of document labels too common to tell documents apart.
_GENERIC = frozenset(
    {"surat", "dari", "yang", "atau", "keterangan", "kartu", "buku", "the", "of", "or", "report"}
)


def where_answer(turn: Turn, text: str, service: Service | None) -> str | None:
    """Where to get a document: the one the question names, else the one being asked for."""
    services = [service] if service is not None else list(turn.catalog.services.values())
    words = set(normalize(text).split())
    for candidate in services:
        for spec in candidate.documents:
            label = set(normalize(f"{spec.label.get('id')} {spec.label.get('en')}").split())
            label -= _GENERIC
            if spec.where is not None and label & words:
                return spec.where.get(turn.lang)
    awaiting = turn.session.awaiting
    if service is not None and awaiting is not None and awaiting.kind == "document":
        asked = service.document(awaiting.key or "")
        if asked is not None and asked.where is not None:
            return asked.where.get(turn.lang)
    return None


def _service(turn: Turn, named: str | None) -> Service | None:
    """The service a question is about: the one named, the draft's, or the pending request's."""
    code = named
    if code is None and turn.session.draft is not None:
        code = turn.session.draft.service
    if code is None and turn.context.open_requests:
        code = turn.context.open_requests[0].service_code
    return turn.catalog.services.get(code) if code else None


def office_answer(turn: Turn, text: str) -> str:
    """Opening hours (and whether a day asked about is open), the address, when it opens next."""
    office = turn.context.office
    if office is None:
        return turn.t("aside.office_unknown")
    lines = []
    local = turn.now.astimezone(turn.setup.timezone) if turn.setup.timezone else turn.now
    day = asked_day(text)
    on = asked_date(text, local.date()) if day is None else None
    if day is not None and day in office.working_weekdays:
        # "hari Senin buka?" when the coming Monday is a holiday: say so, with its name.
        coming = next_weekday(day, local.date())
        on = coming if coming in office.days_off else None
    if on is not None:
        lines.append(day_line(turn, office, on))
    elif day is not None:
        name = turn.t("aside.weekdays").split("|")[day]
        key = (
            "aside.office_day_open" if day in office.working_weekdays else "aside.office_day_closed"
        )
        lines.append(turn.t(key, day=name))
    asked = day is not None or on is not None
    lines.append(turn.t("aside.office_hours", office=office.name, hours=hours_text(turn, office)))
    if office.address and not asked:
        lines.append(turn.t("aside.office_address", address=office.address))
    if not office.open_now and office.opens_next is not None and not asked:
        opens = office.opens_next
        local = opens.astimezone(turn.setup.timezone) if turn.setup.timezone else opens
        lines.append(
            turn.t(
                "aside.office_closed_now",
                date=turn.date_text(local.date()),
                time=local.strftime("%H.%M"),
            )
        )
    return "\n".join(lines)


def asked_day(text: str) -> int | None:
    """The weekday a message asks about ("hari Sabtu buka?", "besok buka?"), if any."""
    for word in normalize(text).split():
        if word in _DAYS:
            return _DAYS[word]
    return None


def hours_text(turn: Turn, office: OfficeInfo) -> str:
    """The office's own words for its hours, or its working days and times."""
    if office.hours_text:
        return office.hours_text
    names = turn.t("aside.weekdays").split("|")
    days = sorted(office.working_weekdays)
    span = ", ".join(names[day] for day in days)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        span = f"{names[days[0]]}–{names[days[-1]]}"  # consecutive days: "Senin–Jumat"
    return f"{span} {office.opening.strftime('%H.%M')}–{office.closing.strftime('%H.%M')}"
