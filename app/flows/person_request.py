"""An explicit request for a person, typed in the middle of a question, hands off.

At the menu the intent classifier already tells "mau bicara dengan petugas" (a request) from
"halo pak petugas, selamat pagi" (a greeting). In the middle of a question only the exact
commands ("operator", "petugas") used to count, so a resident asking in a sentence got the
question's "not a valid answer" instead. Here a sentence counts when the classifier is sure it
asks for a person (label "agent", act "human"). Short texts and texts with digits are left to
the question: "Ahmad Petugas" may be a name, "pak petugas, NIK saya 1303..." is an answer.
"""

from __future__ import annotations

from app.flows.commands import hand_off
from app.flows.inputs import ResidentInput, TextInput
from app.flows.turn import Turn

# Questions where a request for a person interrupts; complaints and surveys keep their text.
ASKING_KINDS = frozenset({"field", "document", "reuse", "variant", "confirm", "edit", "album"})
MIN_WORDS = 3
SURE = 0.9


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """Hand off when `item` clearly asks for a person while a question is open."""
    awaiting = turn.session.awaiting
    if not isinstance(item, TextInput) or awaiting is None or awaiting.kind not in ASKING_KINDS:
        return False
    text = item.text
    if any(char.isdigit() for char in text) or len(text.split()) < MIN_WORDS:
        return False
    understood = turn.setup.classifier.understand(text)
    if understood.label != "agent" or understood.act != "human" or understood.confidence < SURE:
        return False
    hand_off(turn, "resident_request", "agent.handoff")
    return True
