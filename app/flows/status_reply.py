"""The answer to "status" / "kapan jadi?": where each request stands, when it should be done,
and what happens next; or, for a named ticket, that one request only.

A named ticket that is not one of the asker's requests gets "not found for this number": another
resident's request is never shown, and the asker's own are not listed in its place.
"""

from __future__ import annotations

import re

from app.flows.context import RequestSummary
from app.flows.textmatch import normalize
from app.flows.turn import Turn

# Tickets look like KTP-261122-0042 (prefix, day, serial); residents may type them in lower case,
# with spaces around the dashes, or with a four-digit year.
_TICKET = re.compile(r"\b([A-Za-z]{2,6})\s*-\s*(\d{6,8})\s*-\s*(\d{3,6})\b")
# Words that may stand next to a ticket in a message that only asks for its status.
_STATUS_WORDS = frozenset(
    {
        "status", "cek", "check", "sts", "mana", "gimana", "bagaimana", "permohonan", "nomor",
        "no", "tiket", "ticket", "pak", "bu", "kak", "min", "mas", "mbak", "tolong", "mohon",
        "please",
    }
)  # fmt: skip
# Statuses whose next step is no longer "wait for the date": the document is done.
_DONE = frozenset({"ready_for_pickup", "out_for_delivery", "completed", "rejected", "cancelled"})


def named_ticket(text: str) -> str | None:
    """The ticket a message names, in the office's spelling (upper case), if any."""
    found = _TICKET.search(text)
    if found is None:
        return None
    return "-".join(part.upper() for part in found.groups())


def asks_ticket_status(text: str) -> bool:
    """True for a ticket alone or with status words ("status KTP-261122-0042", "cek ktp-...")."""
    if named_ticket(text) is None:
        return False
    rest = normalize(_TICKET.sub(" ", text)).split()
    return all(word in _STATUS_WORDS for word in rest)


def status_text(turn: Turn, text: str = "", *, with_draft: bool = True) -> str:
    """The status reply for this message (a named ticket, or all open requests).

    `with_draft=False` leaves out the unfinished draft: asked in the middle of filling it in,
    "type *menu* to continue" would only confuse.
    """
    ticket = named_ticket(text)
    if ticket is not None:
        return _one(turn, ticket)
    blocks = [_block(turn, request) for request in turn.context.open_requests]
    draft = turn.session.draft
    if with_draft and draft is not None and draft.ticket is None:
        blocks.append(turn.t("status.draft", service=_name(turn, draft.service)))
    if not blocks:
        return turn.t("status.none")
    return "\n".join([turn.t("status.title"), *blocks])


def _one(turn: Turn, ticket: str) -> str:
    for request in turn.context.open_requests:
        if request.ticket.upper() == ticket:
            return _block(turn, request)
    if ticket in turn.session.submitted:  # the asker's own, no longer open
        return turn.t("status.closed", ticket=ticket)
    return turn.t("status.not_found", ticket=ticket)


def _block(turn: Turn, request: RequestSummary) -> str:
    """ "• KTP-261122-0042 (KTP-el): sedang diperiksa petugas. Diperbarui ..." and what next."""
    words_key = f"status.words.{request.status}"
    words = turn.t(words_key) if turn.setup.messages.has(words_key) else request.status
    line = turn.t(
        "status.line",
        ticket=request.ticket,
        service=_name(turn, request.service_code),
        status=words,
        date=turn.date_text(turn.local_date(request.updated_at)),
    )
    return f"{line}\n{_next(turn, request)}"


def _next(turn: Turn, request: RequestSummary) -> str:
    """One plain sentence on what happens next, with the expected date while it matters."""
    due = turn.date_text(request.due_date) if request.due_date else turn.t("status.due_unknown")
    status = request.status
    if status == "ready_for_pickup":
        return turn.t(
            "status.next.ready_for_pickup", place=_place(turn, request), hours=_hours(turn, request)
        )
    if status == "needs_correction":
        items = _correction_items(turn, request.ticket)
        if items:
            return turn.t("status.next.needs_correction_items", items=items, due=due)
    key = f"status.next.{status}"
    if turn.setup.messages.has(key):
        return turn.t(key, due=due)
    return turn.t("status.due", due=due) if status not in _DONE else ""


def _place(turn: Turn, request: RequestSummary) -> str:
    office = turn.context.office
    if request.pickup_place:
        return request.pickup_place
    if office is not None and office.address:
        return f"{office.name}, {office.address}"
    return request.office_name or (office.name if office is not None else turn.setup.office_name)


def _hours(turn: Turn, request: RequestSummary) -> str:
    office = turn.context.office
    if request.pickup_hours:
        return request.pickup_hours
    if office is not None and office.hours_text:
        return office.hours_text
    opening, closing = (office.opening, office.closing) if office is not None else (None, None)
    if opening is None or closing is None:
        return turn.t("status.office_hours")
    return turn.t(
        "status.weekday_hours",
        opening=opening.strftime("%H.%M"),
        closing=closing.strftime("%H.%M"),
    )


def _correction_items(turn: Turn, ticket: str) -> str:
    """What the officer asked to correct, in words, when the conversation knows it."""
    draft = turn.session.draft
    if draft is None or draft.ticket != ticket or draft.correction is None:
        return ""
    service = turn.catalog.services.get(draft.service)
    if service is None:
        return ""
    labels = []
    for section, key in draft.correction.items:
        item = service.field(key) if section == "field" else service.document(key)
        labels.append(item.label.get(turn.lang) if item is not None else key)
    return ", ".join(labels)


def _name(turn: Turn, code: str) -> str:
    service = turn.catalog.services.get(code)
    return service.names.get(turn.lang) if service else code
