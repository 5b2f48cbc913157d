"""Where a home delivery goes, asked when the request holds no address.

A KTP-el request holds the resident's address (the answer its catalog keeps as `address`); a KK,
a certificate or a SIPI does not. Choosing home delivery for one of those asks where to, once: at
the summary (then the request is submitted with it) or after a change in a sentence ("diantar
ke rumah aja"; then `ChangeDelivery` carries it). The conversation layer keeps it with the
request's answers, where the courier's message and the request page read it.
"""

from __future__ import annotations

from typing import Any

from app.flows import delivery_choice
from app.flows.catalog import Service
from app.flows.events import ChangeDelivery
from app.flows.inputs import ResidentInput, text_of
from app.flows.lexicon import word_set
from app.flows.nonanswers import COURTESY, non_answer, without_trailing_thanks
from app.flows.progress import submit
from app.flows.prompts import ask
from app.flows.reask import retry
from app.flows.textmatch import normalize
from app.flows.turn import Turn

STEP = "delivery_address"
# Words that place a house: a courier can find "Dusun Mawar dekat masjid", not "di rumah".
_PLACE_WORDS = word_set(
    "jl jln jalan dusun dsn desa ds kelurahan kel kampung kp gang gg blok lorong lingkungan "
    "perumahan komplek kompleks rt rw kecamatan kec street road village hamlet"
)
# A question about what delivery costs ("ongkirnya berapa?").
_COST = word_set("ongkir ongkos biaya bayar tarif harga berapa cost fee price pay")
# Shorter than "Dusun Mawar" (11 characters) is too little for a courier to find a house.
MIN_LENGTH = 10
MAX_LENGTH = 300


def address_key(service: Service) -> str | None:
    """The service's answer that is the resident's address, if it asks one."""
    person = service.memory.person if service.memory else {}
    return next((key for key, attribute in person.items() if attribute == "address"), None)


def held_address(service: Service, answers: dict[str, Any]) -> str | None:
    """The address the answers already give, if any."""
    key = address_key(service)
    value = answers.get(key) if key else None
    return value if isinstance(value, str) and value.strip() else None


def ask_for_draft(turn: Turn) -> bool:
    """At the summary: True (and asked) when home delivery was chosen without an address."""
    draft = turn.draft()
    if draft.delivery != "home" or held_address(turn.service(), draft.fields):
        return False
    turn.wait_for(STEP)
    ask(turn)  # the question itself lives with the others (prompts.py)
    return True


def ask_for_request(turn: Turn, ticket: str, service: Service) -> bool:
    """After submission: True (and asked) when moving request `ticket` to home delivery needs
    an address its service does not ask."""
    if address_key(service) is not None:
        return False
    turn.wait_for(STEP, ticket)
    ask(turn)
    return True


def on_address(turn: Turn, item: ResidentInput) -> None:
    """The address typed: submit the draft with it, or change the submitted request.

    Another way named instead ("eh ambil di kantor aja", "can you send it here instead?") is
    taken as that way; thanks get a word and the question again; a question about the cost gets
    the courier note; too little for a courier ("di rumah") is asked again.
    """
    text = text_of(item) or ""
    awaiting = turn.session.awaiting
    ticket = awaiting.key if awaiting else None
    service = _service(turn, ticket)
    other = delivery_choice.way_named(text)
    if service is not None and other in service.delivery.ways and other != "home":
        _done(turn, ticket, other, None)
        return
    kind = non_answer(text) if text_of(item) is not None else "other"
    value = " ".join(without_trailing_thanks(text).split())[:MAX_LENGTH]
    if kind is None and _is_address(value):
        _done(turn, ticket, "home", value)
    elif kind in COURTESY:
        retry(turn, turn.t(f"not_answer.{kind}"), count=False)
    elif kind == "question" and _COST & set(normalize(text).split()) and service is not None:
        fee = service.delivery.home_fee
        retry(turn, fee.get(turn.lang) if fee else turn.t("not_answer.question"), count=False)
    else:
        retry(turn, turn.t("delivery.address_unclear"))


def _done(turn: Turn, ticket: str | None, way: str, address: str | None) -> None:
    if ticket is None:
        draft = turn.draft()
        draft.delivery, draft.delivery_address = way, address
        submit(turn)
        return
    turn.session.awaiting = None
    turn.emit(ChangeDelivery(ticket=ticket, way=way, address=address))
    if address is not None:
        turn.say("delivery.address_changed", ticket=ticket, address=address)
    else:
        service = _service(turn, ticket)
        name = service.names.get(turn.lang) if service else ticket
        turn.say("delivery.changed", ticket=ticket, service=name, way=turn.t(f"delivery.way.{way}"))


def _service(turn: Turn, ticket: str | None) -> Service | None:
    """The service of the draft, or of the submitted request `ticket`."""
    if ticket is None:
        return turn.service()
    code = next((r.service_code for r in turn.context.open_requests if r.ticket == ticket), None)
    return turn.catalog.services.get(code) if code else None


def _is_address(value: str) -> bool:
    """Enough for a courier: long enough, and a number or a word that places a house."""
    words = set(normalize(value).split())
    return len(value) >= MIN_LENGTH and (
        any(char.isdigit() for char in value) or bool(_PLACE_WORDS & words)
    )
