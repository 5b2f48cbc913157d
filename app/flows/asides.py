"""Messages beside the conversation: courtesy and side questions, answered without losing the step.

`intercept` runs before the open step's handler. It takes only what is clearly not an answer:
courtesy that is all the message says, and questions (with "?" or a question word) whose topic
we can answer from the office settings, the catalog or the resident's requests. Everything
else goes on to the handler as before. A question never starts a new application.
"""

from __future__ import annotations

from dataclasses import replace

from app.flows import delivery_choice
from app.flows.answers import not_answer_line
from app.flows.courtesy import courtesy_key, writes_english
from app.flows.inputs import ResidentInput, TextInput, text_of
from app.flows.more_pages import offer_more, open_for_more
from app.flows.nonanswers import COURTESY, non_answer
from app.flows.prompts import ask
from app.flows.reask import reask
from app.flows.side_questions import answer
from app.flows.status_reply import status_text
from app.flows.turn import Turn

# Steps where a side remark is answered and the step asked again in one line.
OPEN_STEPS = frozenset({"field", "document", "variant"})
# With nothing asked (or the menu on screen).
IDLE_STEPS = frozenset({"menu"})
# The summary: courtesy there may come with a yes ("sudah benar, terima kasih") and is left to
# the summary's own reading; side questions are answered and the short summary line follows.
QUESTION_ONLY_STEPS = frozenset({"confirm"})


def intercept(turn: Turn, item: ResidentInput) -> bool:
    """Answer courtesy or a side question; True when the message was taken."""
    if not isinstance(item, TextInput):
        return False  # a tapped button is an answer, whatever its title says
    text = text_of(item)
    awaiting = turn.session.awaiting
    kind = awaiting.kind if awaiting is not None else None
    steps = OPEN_STEPS | IDLE_STEPS | QUESTION_ONLY_STEPS
    if text is None or (kind is not None and kind not in steps):
        return False
    idle = kind is None or kind in IDLE_STEPS
    remark = non_answer(text)
    # At an open step "ok" or "sudah" may mean "done": only thanks and greetings are taken there.
    taken = COURTESY - {"wait"} if idle else frozenset({"thanks", "greeting"})
    if remark in taken and kind not in QUESTION_ONLY_STEPS:
        return _courtesy(turn, remark or "", text, idle=idle)
    if remark != "question" and not (idle and "?" in text):
        return False
    understood = turn.setup.classifier.understand(text)
    if understood.label == "status" and not idle:
        # "kapan jadi?" is about a submitted request; with none yet, about the one being filled.
        if turn.context.open_requests:
            _answered(turn, status_text(turn, text, with_draft=False))
            return True
        understood = replace(understood, act="question", topic="duration")
    if understood.act != "question":
        return False
    ready = [r for r in turn.context.open_requests if r.status == "ready_for_pickup"]
    if understood.topic == "pickup" and ready:
        # A document waiting at the counter: its own place and hours, as the status tells them.
        status = status_text(turn, ready[0].ticket)
        if idle:
            turn.send_text(status)
        else:
            _answered(turn, status)
        return True
    if idle and understood.topic not in {"office", "pickup"}:
        return False  # requirements, fees...: the requirements reply already answers these
    line = answer(turn, understood.topic, text, understood.service)
    if line is None:
        return False
    if idle:
        turn.send_text(f"{line}\n{turn.t('aside.idle')}")
    else:
        _answered(turn, line)
    return True


def _courtesy(turn: Turn, remark: str, text: str, *, idle: bool) -> bool:
    if idle and remark == "greeting" and turn.session.awaiting is None:
        return False  # a new conversation: the welcome menu, as always
    key = courtesy_key(remark, text)
    # At the menu English courtesy is answered in English; inside a step, in the step's language
    # so the line and the question after it do not mix.
    lang = "en" if idle and writes_english(text) else turn.lang
    line = turn.setup.messages.text(lang, key)
    if idle:
        follow = "courtesy.hello_idle" if remark == "greeting" else "courtesy.idle"
        turn.send_text(f"{line} {turn.setup.messages.text(lang, follow)}")
        return True
    _answered(turn, line, joiner=" ")
    return True


def _answered(turn: Turn, line: str, joiner: str = "\n") -> None:
    """After `line`, ask the open step again in one short line."""
    awaiting = turn.session.awaiting
    assert awaiting is not None
    if awaiting.kind == "field":
        spec = turn.service().field(awaiting.key or "")
        reask(turn, f"{line}{joiner}{not_answer_line(turn, None, spec)}")
    elif awaiting.kind == "document":
        spec_doc = turn.service().document(awaiting.key or "")
        progress = open_for_more(turn, spec_doc) if spec_doc is not None else None
        if spec_doc is not None and progress is not None:  # a page is in: "any other?"
            offer_more(turn, spec_doc, progress, lead=line)
            return
        label = spec_doc.label.get(turn.lang) if spec_doc is not None else ""
        reask(turn, f"{line}{joiner}{turn.t('document.ask', label=label)}")
    elif awaiting.kind == "confirm":
        reask(turn, f"{line}{joiner}{delivery_choice.short(turn)}")
    elif awaiting.kind == "variant":
        reask(turn, f"{line}{joiner}{turn.t('not_answer.pick')}")
    else:
        turn.note(line)
        ask(turn)
