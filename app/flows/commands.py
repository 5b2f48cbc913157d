"""Commands that work at any point (menu, status, requirements, operator, cancel, language,
complaint) and the short yes/no prompts they open."""

from __future__ import annotations

from app.flows import information, status_reply, survey
from app.flows.answers import fail, unsupported
from app.flows.events import CancelRequest, HandOff, LanguageChanged
from app.flows.inputs import ChoiceInput, ResidentInput, text_of
from app.flows.numbers import typed_position
from app.flows.progress import advance, drop_draft, start_service
from app.flows.prompts import ask, cancellable, menu
from app.flows.textmatch import is_no, is_yes, normalize
from app.flows.turn import Turn

# Exact messages that are commands even in the middle of a question.
EXACT: dict[str, str] = {
    "menu": "menu", "menu utama": "menu", "kembali ke menu": "menu",
    "batal": "cancel", "batalkan": "cancel", "cancel": "cancel",
    "status": "status", "cek status": "status",
    "bantuan": "agent", "operator": "agent", "petugas": "agent", "admin": "agent",
    "help": "agent", "agent": "agent",
    "bahasa": "language", "language": "language", "english": "language",
    "bahasa inggris": "language", "bahasa indonesia": "language",
    "komplain": "complaint", "keluhan": "complaint", "complaint": "complaint",
}  # fmt: skip
ENGLISH_WORDS = ("english", "inggris")
INDONESIAN_WORDS = ("indonesia",)


def command_in(item: ResidentInput) -> str | None:
    """The command a message is, when it is one regardless of the question asked."""
    if isinstance(item, ChoiceInput) and item.id.startswith("cmd:"):
        return item.id.removeprefix("cmd:")
    text = text_of(item) if not isinstance(item, ChoiceInput) else None
    if text is None:
        return None
    norm = normalize(text)
    if norm in EXACT:
        return EXACT[norm]
    if norm.startswith(("syarat", "persyaratan", "requirements")):
        return "requirements"
    if status_reply.asks_ticket_status(text):
        return "status"
    return None


def run(turn: Turn, command: str, text: str = "") -> None:
    """Carry out a command; in the middle of a draft, the open question is asked again after."""
    match command:
        case "menu":
            turn.wait_for("menu")
            menu(turn, greet=turn.session.draft is None)
        case "status":
            turn.send_text(status_reply.status_text(turn, text))
            _again(turn)
        case "requirements":
            information.requirements(turn, text)
        case "agent":
            hand_off(turn, "resident_request", "agent.handoff")
        case "complaint":
            survey.start_complaint(turn, text)
        case "cancel":
            _cancel(turn)
        case "language":
            _language(turn, text)
        case _:
            turn.wait_for("menu")
            menu(turn, greet=False)


def _again(turn: Turn) -> None:
    awaiting = turn.session.awaiting
    if awaiting is not None and awaiting.kind != "menu":
        ask(turn)


def hand_off(turn: Turn, reason: str, message: str) -> None:
    """Pass the conversation to an operator; until it ends the bot only acknowledges
    messages and runs a few commands (handoff_wait.py)."""
    turn.say(message)
    turn.emit(HandOff(reason))
    turn.session.handoff = True


def _cancel(turn: Turn) -> None:
    session = turn.session
    if session.awaiting is not None and session.awaiting.kind in {"cancel", "cancel_pick"}:
        ask(turn)
        return
    session.resume_to = session.awaiting
    if session.draft is not None:
        turn.wait_for("cancel", target=session.draft.ticket)
    else:
        open_requests = cancellable(turn)
        if not open_requests:
            session.resume_to = None
            turn.say("cancel.nothing")
            return
        if len(open_requests) == 1:
            turn.wait_for("cancel", target=open_requests[0].ticket)
        else:
            turn.wait_for("cancel_pick")
    ask(turn)


def on_cancel(turn: Turn, item: ResidentInput) -> None:
    """Confirming (or not) a cancellation."""
    session = turn.session
    awaiting = session.awaiting
    target = awaiting.target if awaiting else None
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if choice == "yes" or (choice is None and is_yes(text)):
        session.resume_to = None
        if target is None:
            drop_draft(turn)
            turn.say("cancel.done")
            return
        turn.emit(CancelRequest(target))
        if session.draft is not None and session.draft.ticket == target:
            session.draft = None
        session.awaiting = None
        turn.say("cancel.done_ticket", ticket=target)
    elif choice == "no" or is_no(text):
        _restore(turn)
        turn.say("cancel.kept")
        ask(turn)
    elif not text:
        unsupported(turn, item)
    elif not fail(turn, turn.t("confirm.unclear")):
        ask(turn)


def on_cancel_pick(turn: Turn, item: ResidentInput) -> None:
    """Picking which submitted request to cancel."""
    tickets = [request.ticket for request in cancellable(turn)]
    choice = item.id.removeprefix("tkt:") if isinstance(item, ChoiceInput) else None
    text = (text_of(item) or "").strip().upper()
    if choice not in tickets:
        index = (typed_position(text) or 0) - 1
        choice = (
            tickets[index] if 0 <= index < len(tickets) else (text if text in tickets else None)
        )
    if choice is None:
        if not fail(turn, turn.t("confirm.unclear")):
            ask(turn)
        return
    turn.wait_for("cancel", target=choice)
    ask(turn)


def _language(turn: Turn, text: str) -> None:
    norm = normalize(text)
    if any(word in norm for word in ENGLISH_WORDS):
        set_language(turn, "en")
    elif any(word in norm for word in INDONESIAN_WORDS):
        set_language(turn, "id")
    else:
        if turn.session.awaiting is None or turn.session.awaiting.kind != "language":
            turn.session.resume_to = turn.session.awaiting
        turn.wait_for("language")
        ask(turn)


def on_language(turn: Turn, item: ResidentInput) -> None:
    """Picking Bahasa Indonesia or English."""
    if isinstance(item, ChoiceInput) and item.id in {"lang:id", "lang:en"}:
        set_language(turn, item.id[5:])
        return
    text = normalize(text_of(item) or "")
    if text in {"1", "indonesia", "bahasa indonesia", "id"}:
        set_language(turn, "id")
    elif text in {"2", "en", "inggris", "english", "bahasa inggris"}:
        set_language(turn, "en")
    elif not text:
        unsupported(turn, item)
    elif not fail(turn, turn.t("confirm.unclear")):
        ask(turn)


def set_language(turn: Turn, language: str) -> None:
    """Switch the reply language and go back to what was being asked."""
    session = turn.session
    if language != session.language:
        session.language = language
        turn.emit(LanguageChanged(language))
    turn.say("language.changed")
    if session.awaiting is not None and session.awaiting.kind == "language":
        _restore(turn)
    if session.awaiting is None and session.draft is None:
        turn.wait_for("menu")
    ask(turn)


def _restore(turn: Turn) -> None:
    turn.session.awaiting = turn.session.resume_to
    turn.session.resume_to = None


def on_resume(turn: Turn, item: ResidentInput) -> None:
    """Continue the unfinished draft, or drop it (and start what the resident asked for)."""
    awaiting = turn.session.awaiting
    target = awaiting.target if awaiting else None
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if choice == "yes" or (choice is None and (is_yes(text) or normalize(text) == "lanjutkan")):
        advance(turn)
    elif choice == "no" or is_no(text) or normalize(text) in {"mulai baru", "baru"}:
        drop_draft(turn)
        if target is not None:
            start_service(turn, target)
        else:
            turn.say("resume.dropped")
            turn.wait_for("menu")
            menu(turn, greet=False)
    elif not text:
        unsupported(turn, item)
    else:
        ask(turn)


def greet(turn: Turn) -> None:
    """Answer a greeting: hello and the list of services."""
    turn.wait_for("menu")
    menu(turn, greet=True)
