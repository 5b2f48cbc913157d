"""The answer to "Sepertinya ada kendala. Mau kami hubungkan dengan petugas?".

The offer is a question, not a trap: yes (or asking for a person in other words) calls an
officer, no or "coba lagi" goes back to the interrupted question, and anything else is read as
if the offer had not been made: an answer to the interrupted question (a document, a NIK, a
name; non-answers like "maksudnya gmn" are refused there as always), a command, or a new
service. Only a sticker or a voice note, which answers nothing, shows the offer again.
"""

from __future__ import annotations

from collections.abc import Callable

from app.flows.answers import unsupported
from app.flows.commands import hand_off
from app.flows.inputs import ChoiceInput, MediaInput, ResidentInput, text_of
from app.flows.prompts import ask
from app.flows.textmatch import is_no, is_yes, normalize
from app.flows.turn import Turn

Handler = Callable[[Turn, ResidentInput], None]
DOCUMENT_MEDIA = frozenset({"image", "document"})


def on_reply(turn: Turn, item: ResidentInput, as_usual: Handler) -> None:
    """Answer the operator offer; `as_usual` reads a message the way the engine always does."""
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if choice == "agent" or (choice is None and text and _wants_a_person(turn, text)):
        _restore(turn)
        hand_off(turn, "validation_failed", "agent.handoff")
    elif choice == "retry" or is_no(text) or normalize(text) == "coba lagi":
        _restore(turn)
        ask(turn)
    elif text or (isinstance(item, MediaInput) and item.kind in DOCUMENT_MEDIA):
        _restore(turn)
        as_usual(turn, item)
    elif choice is not None:
        ask(turn)  # a button of this offer that is neither: show it again
    else:
        unsupported(turn, item)


def _wants_a_person(turn: Turn, text: str) -> bool:
    """Yes, or a request for help from a person ("tolong bantu", "sambung ke petugas")."""
    return is_yes(text) or turn.setup.classifier.classify(text) == "agent"


def _restore(turn: Turn) -> None:
    turn.session.awaiting = turn.session.resume_to
    turn.session.resume_to = None
