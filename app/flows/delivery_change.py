"""Changing how a submitted request reaches the resident, in a sentence, before processing.

"kirim lewat WA aja", "mbak, KK nya dikirim di sini saja", "tolong diantar ke rumah": while no
draft is open and nothing else is asked, a message that names a way (and is not a question)
changes the newest open request, or the one whose ticket it names. The engine checks what it
can see (the request's status, the service's ways, the way it has now) and answers; a change to
home delivery for a service that holds no address asks where to first (`delivery_address.py`).
The conversation layer stores the change with a history row.
"""

from __future__ import annotations

from app.flows import delivery_address, delivery_choice
from app.flows.context import RequestSummary
from app.flows.events import ChangeDelivery
from app.flows.inputs import ResidentInput, TextInput, text_of
from app.flows.lexicon import QUESTION_STARTS
from app.flows.status_reply import named_ticket
from app.flows.textmatch import normalize
from app.flows.turn import Turn

# The office has not started producing the document: the way may still change.
CHANGEABLE = frozenset({"submitted", "in_review", "needs_correction"})


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """True (and handled) when a resident with no draft open changes how a request reaches them."""
    session = turn.session
    text = text_of(item) if isinstance(item, TextInput) else None
    if text is None or session.draft is not None or session.awaiting is not None:
        return False
    way = delivery_choice.way_named(text)
    words = normalize(text).split()
    if way is None or "?" in text or (words and words[0] in QUESTION_STARTS):
        return False  # a question about delivery is a side question, answered elsewhere
    requests = _candidates(turn, text)
    if not requests:
        return False
    request = requests[0]
    service = turn.catalog.services.get(request.service_code)
    if service is None:
        return False
    values = {
        "ticket": request.ticket,
        "service": service.names.get(turn.lang),
        "way": turn.t(f"delivery.way.{way}"),
    }
    if way not in service.delivery.ways:
        ways = delivery_choice.listed(turn, delivery_choice.ways_of(service))
        turn.say("delivery.not_offered", ways=ways, **values)
    elif request.status not in CHANGEABLE:
        turn.say("delivery.too_late", **values)
    elif request.delivery == way:
        turn.say("delivery.same", **values)
    elif way == "home" and delivery_address.ask_for_request(turn, request.ticket, service):
        pass  # the change waits for the address
    else:
        turn.emit(ChangeDelivery(ticket=request.ticket, way=way))
        turn.say("delivery.changed", **values)
    return True


def _candidates(turn: Turn, text: str) -> list[RequestSummary]:
    """The open request the message is about: the ticket it names, else the newest."""
    ticket = named_ticket(text)
    requests = sorted(turn.context.open_requests, key=lambda r: r.updated_at, reverse=True)
    if ticket is not None:
        return [r for r in requests if r.ticket == ticket]
    return requests
