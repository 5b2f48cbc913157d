"""Changing one's mind mid-request: "eh salah, mau KK aja" while another draft is open.

A message that clearly names another service (the classifier's act "switch") is never stored
as the answer to the open question. We ask once, with yes/no buttons, whether to switch; yes
starts the new service with the answers both services share (same field keys: nik, nama, ...)
and the documents already sent that it also needs (same document keys: switch_transfer.py),
and asks the first missing question, no goes back to the question that was open. Anything else
sent to the switch question is read as an answer to that interrupted question.
"""

from __future__ import annotations

from app.flows.events import CancelRequest, LanguageChanged
from app.flows.inputs import ChoiceInput, ResidentInput, TextInput
from app.flows.nonanswers import non_answer
from app.flows.progress import advance, variant_in
from app.flows.prompts import ask
from app.flows.session import Draft
from app.flows.switch_phrases import (
    NOT_A_SWITCH,
    changes_mind,
    english_change,
    switch_reply,
    without_change_of_mind,
)
from app.flows.switch_transfer import carried_documents
from app.flows.turn import Turn

# Questions of a draft being filled in, where a change of mind can come.
_DRAFT_QUESTIONS = frozenset({"variant", "field", "document", "reuse", "confirm", "edit"})
# How sure the classifier must be that the message names a service.
_SURE = 0.6


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """Handle a switch of service or the answer to "Ganti ke ...?"; True when handled.

    False lets the engine pass `item` to the handler of the open question (after a switch
    question that the message does not answer, that is the question it interrupted).
    """
    session = turn.session
    awaiting = session.awaiting
    if awaiting is not None and awaiting.kind == "switch":
        return _on_answer(turn, item)
    draft = session.draft
    if awaiting is None or awaiting.kind not in _DRAFT_QUESTIONS or draft is None:
        return False
    if draft.ticket is not None or not isinstance(item, TextInput):
        return False  # a correction asked by an officer belongs to its ticket
    target = _named_service(turn, item.text, draft.service)
    if target is None:
        return False
    variant = variant_in(turn.service(target), without_change_of_mind(item.text))
    if turn.lang != "en" and english_change(item.text):
        # "sorry, I meant KK": an English writer is answered in English from here on.
        session.language = "en"
        turn.emit(LanguageChanged("en"))
    session.resume_to = awaiting
    turn.wait_for("switch", variant, target=target)
    ask(turn)
    return True


def _named_service(turn: Turn, text: str, current: str) -> str | None:
    """The other service `text` switches to, when the classifier is sure of it."""
    understood = turn.setup.classifier.understand(text)
    service = understood.service or understood.label
    # "mau KK aja" reads as a plain request for KK; wanting a service at a question is a switch,
    # and so is naming one with a change of mind in English ("sorry, I meant KK").
    said = non_answer(text) == "correction" or changes_mind(text)
    wants = understood.label == service and understood.act not in NOT_A_SWITCH and said
    if understood.confidence < _SURE or not (understood.act == "switch" or wants):
        return None
    if service is None or service == current or service not in turn.catalog.services:
        return None
    return service


def _on_answer(turn: Turn, item: ResidentInput) -> bool:
    session = turn.session
    awaiting = session.awaiting
    assert awaiting is not None
    choice = item.id if isinstance(item, ChoiceInput) else None
    text = item.text if isinstance(item, TextInput) else ""
    said = None
    if choice is None and text:
        named = turn.setup.classifier.find_service(text)
        said = switch_reply(
            text, named=named, target=awaiting.target or "", current=turn.draft().service
        )
    if choice == "yes" or said is True:
        _switch(turn, awaiting.target or "", awaiting.key)
        return True
    session.awaiting, session.resume_to = session.resume_to, None
    if choice == "no" or said is False:
        ask(turn)
        return True
    return intercept(turn, item)  # another switch asks again; anything else answers the question


def _switch(turn: Turn, code: str, variant: str | None) -> None:
    """Drop the open draft and start `code` with the answers both services ask for."""
    session = turn.session
    old = turn.draft()
    service = turn.service(code)
    keys = {spec.key for spec in service.fields}
    session.draft = None
    session.resume_to = None
    turn.emit(CancelRequest(None))
    session.draft = Draft(
        id=turn.setup.new_id(),
        service=code,
        variant=variant,
        fields={key: value for key, value in old.fields.items() if key in keys},
        warnings={key: codes for key, codes in old.warnings.items() if key in keys},
    )
    carried_documents(old, session.draft, service)
    lines = [turn.t("service.intro", service=service.names.get(turn.lang))]
    lines.append(service.fee.note.get(turn.lang))
    lines.append(turn.t("service.days", days=service.service_days))
    turn.send_text("\n".join(lines))
    advance(turn)
