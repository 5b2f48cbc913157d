"""Asking the open question again in one short line, with its buttons when it has some.

A refusal or a side remark should not bring back the whole prompt (a 12-line summary, a list
intro): one line says what is needed, and the buttons or list of the open question come with
it, carrying the same prompt id as before so the buttons already on screen stay valid.
"""

from __future__ import annotations

from app.flows import delivery_choice
from app.flows.prompts import ask
from app.flows.turn import Option, Turn

# Failed tries in a row before an operator is offered.
MAX_TRIES = 3


def open_options(turn: Turn) -> list[Option] | None:
    """The buttons or list rows of the open question (the same as its full prompt sends);
    None when it is answered by typing or sending a file."""
    awaiting = turn.session.awaiting
    if awaiting is None:
        return None
    lang = turn.lang
    if awaiting.kind == "field":
        spec = turn.service().field(awaiting.key or "")
        if spec is None or spec.validator != "choice":
            return None
        return [Option(f"opt:{choice.id}", choice.title.get(lang)) for choice in spec.choices]
    if awaiting.kind == "variant":
        return [
            Option(
                f"var:{variant.code}",
                variant.title.get(lang),
                variant.description.get(lang) if variant.description else "",
            )
            for variant in turn.service().variants
        ]
    if awaiting.kind == "confirm":
        return delivery_choice.confirm_options(turn)
    return None


def reask(turn: Turn, line: str) -> None:
    """Send `line` as the question: with the open question's buttons, or as a text."""
    awaiting = turn.session.awaiting
    if awaiting is None:
        turn.send_text(line)
        return
    options = open_options(turn)
    if options is not None:
        turn.offer(line, options, page=awaiting.page)
    elif awaiting.kind in {"field", "document"}:
        turn.send_text(line)
    else:  # a question this module does not know the buttons of: the full prompt after it
        turn.note(line)
        ask(turn)


def retry(turn: Turn, line: str, *, count: bool = True) -> None:
    """A refused answer: say what is wrong in `line` and re-ask shortly.

    A counted refusal is a failed try; the third in a row offers an operator instead (as
    `answers.fail` does). Courtesy ("terima kasih") is not counted: it is not a failure.
    """
    session = turn.session
    if count:
        session.tries += 1
        if session.tries >= MAX_TRIES:
            session.tries = 0
            session.resume_to = session.awaiting
            turn.send_text(line)
            turn.wait_for("operator_offer")
            ask(turn)
            return
    reask(turn, line)
