"""Which messages of a resident's chat belong to which request, and what an operator may read.

A resident may have several requests at several offices over the years; an operator of one office
must not read the others (their tickets, KK numbers, addresses) on a request's page. A message
carries no ticket, so each one is attributed by this rule, the first that applies:

1. It names tickets of the resident (a confirmation, a status notice, an operator's reply; for
   what the resident wrote: the replies it caused) → it belongs to those requests.
2. It falls in a correction round of a request (after the move to `needs_correction`, until the
   request leaves it) → that request (the latest round, should two overlap).
3. It falls in the conversation that filled a WhatsApp request (after the resident's previous
   WhatsApp request was submitted, until this one was) → that request.
4. Otherwise it belongs to no request (a greeting, a question about requirements...).

A request's page shows the messages from its start (after the resident's previous WhatsApp
submission; for a counter request, when it was taken down) until it ended (completed, rejected
or cancelled), that belong to it alone or to no request. The hand-off page shows the resident's
latest messages that belong to no request or only to requests the operator may see. Both hide
the one-time pickup code.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations import repository
from app.conversations.transcript import ChatLine, inbound_line, mask_codes, outbound_line
from app.requests.lifecycle import is_pickup_code
from app.requests.models import Request
from app.requests.status import FINAL, RequestStatus
from app.residents.models import Resident

CHAT_LIMIT = 200
# Messages read per direction before attribution: a request's span is rarely longer.
LOAD_LIMIT = 1000
WHATSAPP = "whatsapp"
_FINAL = frozenset(s.value for s in FINAL)


@dataclass(frozen=True)
class Stretch:
    """A stretch of time that belongs to one request: (start, end], open where None."""

    ticket: str
    start: datetime | None
    end: datetime | None

    def holds(self, moment: datetime) -> bool:
        after_start = self.start is None or moment > self.start
        return after_start and (self.end is None or moment <= self.end)


@dataclass(frozen=True)
class Timeline:
    """The resident's requests as the attribution needs them."""

    requests: Sequence[Request]
    corrections: Sequence[Stretch]
    fillings: dict[str, Stretch]
    endings: dict[str, datetime]
    tickets: re.Pattern[str] | None  # any of the resident's tickets, as a whole word

    def named(self, text: str) -> frozenset[str]:
        """The resident's tickets that `text` names."""
        if self.tickets is None or not text:
            return frozenset()
        return frozenset(self.tickets.findall(text))

    def owners(self, line: ChatLine, replies: frozenset[str] = frozenset()) -> frozenset[str]:
        """The tickets `line` belongs to (rules 1–3); empty for no request."""
        named = self.named(line.text) | replies
        if named:
            return named
        moment = line.moment
        rounds = [s for s in self.corrections if s.holds(moment)]
        if rounds:
            return frozenset({max(rounds, key=lambda s: s.start or moment).ticket})
        for stretch in self.fillings.values():
            if stretch.holds(moment):
                return frozenset({stretch.ticket})
        return frozenset()

    def span(self, request: Request) -> tuple[datetime | None, datetime | None]:
        """(after, until) of the request's chat: from its start until it ended (None: open)."""
        filling = self.fillings.get(request.ticket)
        # A counter request starts when it was taken down: its notice is written at that moment.
        after = filling.start if filling else request.created_at - timedelta(microseconds=1)
        return after, self.endings.get(request.ticket)

    def is_code(self, candidate: str) -> bool:
        """True when `candidate` is the current pickup code of one of the resident's requests."""
        return any(is_pickup_code(request, candidate) for request in self.requests)


def build_timeline(
    requests: Sequence[Request], changes: Sequence[tuple[int, datetime, str]]
) -> Timeline:
    """The timeline of `requests` (oldest first) from their status changes (in order)."""
    tickets = {r.id: r.ticket for r in requests}
    corrections: list[Stretch] = []
    endings: dict[str, datetime] = {}
    opened: dict[int, datetime] = {}
    for request_id, at, status in changes:
        ticket = tickets[request_id]
        if status == RequestStatus.NEEDS_CORRECTION:
            opened.setdefault(request_id, at)
        elif request_id in opened:
            corrections.append(Stretch(ticket, opened.pop(request_id), at))
        if status in _FINAL:
            endings.setdefault(ticket, at)
    corrections.extend(Stretch(tickets[rid], at, None) for rid, at in opened.items())
    fillings: dict[str, Stretch] = {}
    previous: datetime | None = None
    for request in requests:
        if request.channel == WHATSAPP:
            fillings[request.ticket] = Stretch(request.ticket, previous, request.created_at)
            previous = request.created_at
    names = sorted((r.ticket for r in requests), key=len, reverse=True)
    pattern = (
        re.compile(r"(?<![A-Z0-9])(" + "|".join(map(re.escape, names)) + r")(?![A-Z0-9])")
        if names
        else None
    )
    return Timeline(requests, corrections, fillings, endings, pattern)


async def load_timeline(session: AsyncSession, resident_id: int) -> Timeline:
    """The timeline of every request of the resident."""
    requests = await repository.requests_of(session, resident_id)
    changes = await repository.status_changes(session, [r.id for r in requests])
    return build_timeline(requests, changes)


async def _lines(
    session: AsyncSession,
    resident: Resident,
    after: datetime | None,
    until: datetime | None,
    limit: int,
) -> list[ChatLine]:
    inbound = await repository.inbound_messages(
        session, resident.id, after=after, until=until, limit=limit
    )
    lines = [inbound_line(event) for event in inbound]
    outbound = await repository.outbound_messages(
        session, resident.id, after=after, until=until, limit=limit
    )
    for row in outbound:
        line = outbound_line(row, resident.language)
        if line is not None:
            lines.append(line)
    lines.sort(key=lambda line: line.at)
    return lines


def _readable(
    timeline: Timeline, lines: list[ChatLine], allowed: Collection[str]
) -> list[ChatLine]:
    """The lines that belong to no request or only to `allowed` tickets, pickup codes hidden."""
    replies: dict[int, frozenset[str]] = {}
    for line in lines:
        if line.caused_by is not None:
            named = timeline.named(line.text)
            replies[line.caused_by] = replies.get(line.caused_by, frozenset()) | named
    kept = [
        line
        for line in lines
        if timeline.owners(line, replies.get(line.event_id or 0, frozenset())) <= set(allowed)
    ]
    return [mask_codes(line, timeline.is_code) for line in kept]


async def request_chat(
    session: AsyncSession, request: Request, resident: Resident, *, limit: int = CHAT_LIMIT
) -> list[ChatLine]:
    """The messages of `request`'s page (the module's rule), oldest first, newest `limit`."""
    timeline = await load_timeline(session, resident.id)
    after, until = timeline.span(request)
    lines = await _lines(session, resident, after, until, LOAD_LIMIT)
    return _readable(timeline, lines, {request.ticket})[-limit:]


async def recent_chat(
    session: AsyncSession, resident: Resident, seen: Collection[str], *, limit: int
) -> list[ChatLine]:
    """The resident's latest messages that an operator seeing the tickets `seen` may read."""
    timeline = await load_timeline(session, resident.id)
    lines = await _lines(session, resident, None, None, max(limit * 5, 50))
    return _readable(timeline, lines, seen)[-limit:]
