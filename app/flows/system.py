"""Inputs that do not come from the resident: timeouts, accepted submissions, operators."""

from __future__ import annotations

from typing import Any

from app.flows import delivery_choice, form_offer, page_pause, recall_reply
from app.flows.events import (
    Button,
    ConversationExpired,
    MessageEvent,
    Row,
    SendButtons,
    SendList,
    SendText,
)
from app.flows.inputs import OperatorEvent, SubmissionAccepted
from app.flows.progress import advance
from app.flows.prompts import ask
from app.flows.session import Correction, Draft
from app.flows.turn import Turn


def on_timeout(turn: Turn) -> None:
    """First timeout: one reminder. Second: the conversation expires, the draft is kept."""
    session = turn.session
    if session.handoff or session.deadline is None or turn.now < session.deadline:
        return  # stale: the resident answered after the caller scheduled this timeout
    if page_pause.move_on_after_pause(turn):  # no further page after "Ada foto lain?"
        return
    if not session.reminded:
        session.reminded = True
        turn.say("reminder.nudge")
        ask(turn)
        return
    turn.say("reminder.expired")
    turn.emit(ConversationExpired())
    session.awaiting = None
    session.resume_to = None
    session.reminded = False
    if session.draft is not None:
        session.draft.doc = None


def on_submission_accepted(turn: Turn, accepted: SubmissionAccepted) -> None:
    """The request is stored: give the ticket and the expected date, then offer a parked draft."""
    session = turn.session
    draft = session.draft
    corrected = draft is not None and draft.ticket == accepted.ticket
    if draft is not None and (draft.ticket is None or corrected):
        draft.ticket = accepted.ticket
        draft.correction = None
        draft.doc = None
        session.remember(accepted.ticket, draft)
        session.draft = None
        session.awaiting = None
    key = "submit.corrected" if corrected else "submit.accepted"
    told = turn.t(key, ticket=accepted.ticket, date=turn.date_text(accepted.due_date))
    if draft is not None and draft.delivery_default and draft.delivery and not corrected:
        # A typed yes took the usual way: say which, and that the others are open.
        draft.delivery_default = False
        service = turn.catalog.services.get(draft.service)
        if service is not None:
            told = f"{told}\n{delivery_choice.accepted_line(turn, service, draft.delivery)}"
    turn.send_text(told)
    if not corrected and recall_reply.after_submission(turn, accepted.ticket):
        return
    if session.draft is None and session.parked is not None:
        session.draft, session.parked = session.parked, None
        turn.wait_for("resume")
        ask(turn)


def on_operator(turn: Turn, event: OperatorEvent) -> None:
    """An operator answered or ended a hand-off, or asked for corrections."""
    session = turn.session
    if event.kind == "handoff_answered":
        # An officer is on it: the hand-off no longer times out back to the bot. It lasts until
        # the officer or the resident ends it; the stale timer, if it fires, is ignored.
        session.handoff_until = None
        return
    was_handed_off = session.handoff
    session.handoff = False
    session.handoff_acked = None
    session.handoff_until = None
    for held in session.held:
        turn.emit(message_from_dict(held))
    session.held = []
    if event.kind == "handoff_ended":
        turn.say("agent.ended")
        if was_handed_off and session.awaiting is not None:
            ask(turn)
        return
    _correction(turn, event)


def _correction(turn: Turn, event: OperatorEvent) -> None:
    session = turn.session
    base = _base_draft(turn, event)
    if base is None:
        turn.say("correction.unknown", note=event.note or "-")
        return
    service = turn.service(base.service)
    items: list[tuple[str, str]] = [("field", key) for key in event.fields if service.field(key)]
    for name in event.documents:
        key = name if service.document(name) else _requirement_of(base, name)
        if key is not None and ("document", key) not in items:
            items.append(("document", key))
    if session.draft is not None and session.draft.ticket != base.ticket:
        session.parked = session.draft
    draft = base.model_copy(deep=True)
    for section, key in items:
        if section == "field":
            draft.fields.pop(key, None)
        else:
            draft.documents.pop(key, None)
            draft.pages.pop(key, None)
            draft.images_only.pop(key, None)
            draft.done_documents = [k for k in draft.done_documents if k != key]
            draft.reused = [k for k in draft.reused if k != key]
            draft.declined_reuse = [*draft.declined_reuse, key]
    draft.correction = Correction(items=items, note=event.note)
    draft.doc = None
    session.draft = draft
    lines = [turn.t("correction.intro", ticket=draft.ticket or "-")]
    if event.note:
        lines.append(turn.t("correction.note", note=event.note))
    labels = [_label(turn, service.code, section, key) for section, key in items]
    if labels:
        lines.append(turn.t("correction.items", items=", ".join(labels)))
    turn.send_text("\n".join(lines))
    form_offer.offer(turn, service)  # outside the window the caller sends it as a template
    advance(turn)


def _base_draft(turn: Turn, event: OperatorEvent) -> Draft | None:
    session = turn.session
    if event.ticket and event.ticket in session.submitted:
        return session.submitted[event.ticket]
    if event.ticket and session.draft is not None and session.draft.ticket == event.ticket:
        return session.draft
    if event.ticket is None and len(session.submitted) == 1:
        return next(iter(session.submitted.values()))
    if event.service and event.service in turn.catalog.services:
        return Draft(id=turn.setup.new_id(), service=event.service, ticket=event.ticket)
    return None


def _requirement_of(draft: Draft, document_id: str) -> str | None:
    return next((key for key, ids in draft.documents.items() if document_id in ids), None)


def _label(turn: Turn, code: str, section: str, key: str) -> str:
    service = turn.service(code)
    item = service.field(key) if section == "field" else service.document(key)
    return item.label.get(turn.lang) if item else key


def message_from_dict(data: dict[str, Any]) -> MessageEvent:
    """Rebuild a message event held back during a hand-off."""
    if data["type"] == "send_buttons":
        buttons = [Button(**button) for button in data["buttons"]]
        return SendButtons(data["body"], buttons, data.get("prompt"))
    if data["type"] == "send_list":
        rows = [Row(**row) for row in data["rows"]]
        return SendList(data["body"], data["button_label"], rows, data.get("prompt"))
    return SendText(data["text"])
