""" "Belum ada" at a document step: the resident does not have the document yet.

The draft stays where it is, waiting for that document; one short line says so and how to go
on. The next photo continues
the step, and "lanjut" asks for the document again rather than finishing a step with no file.
The engine's usual reminder (WaitUntil, then TimeoutInput) still comes inside its window.
"""

from __future__ import annotations

from app.flows.inputs import ResidentInput, TextInput
from app.flows.prompts import ask
from app.flows.textmatch import normalize
from app.flows.turn import Turn

_GO_ON = frozenset({"lanjut", "lanjutkan", "continue", "go on"})
# How sure the classifier must be that the message says "not yet".
_SURE = 0.6


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """Handle "belum ada" or "lanjut" at a document still without files; True when handled."""
    session = turn.session
    awaiting = session.awaiting
    draft = session.draft
    if awaiting is None or awaiting.kind != "document" or draft is None:
        return False
    if not isinstance(item, TextInput) or awaiting.key is None:
        return False
    spec = turn.service().document(awaiting.key)
    if spec is None or draft.pages.get(spec.key, 0) > 0 or (draft.doc and draft.doc.pending):
        return False  # with files in, "lanjut" and "belum" are about more pages
    if normalize(item.text) in _GO_ON:
        ask(turn)
        return True
    if not says_not_yet(turn, item.text):
        return False
    session.tries = 0
    text = turn.t("not_yet.kept", label=spec.label.get(turn.lang))
    if spec.where is not None:  # where to get it, from the catalog
        text += "\n" + spec.where.get(turn.lang)
    turn.send_text(text)
    return True


def says_not_yet(turn: Turn, text: str) -> bool:
    """True when the classifier is sure that `text` means "not yet" / "wait"."""
    understood = turn.setup.classifier.understand(text)
    return understood.act == "not_yet" and understood.confidence >= _SURE
