"""The satisfaction survey (IKM, Permenpan RB 14/2017) and complaints, resident side.

The survey starts when a request is completed (`SurveyStart`) and asks the 9 official elements
one at a time, each scored 1..4 by tapping a list row or typing the number. It never nags: it
does not interrupt a request being filled in, `batal`/`menu` stop it, and a message that is
clearly something else (a service, a greeting) drops it and is answered as usual.

A complaint names its request when the resident has open ones, is confirmed, and then goes to an
officer (`ComplaintFiled`, then a hand-off so the officer can reply in the chat). A complaint
typed in full in the first message ("ktp saya 2 bulan belum jadi") is recorded as it is.
"""

from __future__ import annotations

from app.flows.events import ComplaintFiled, HandOff, SurveyAnswered
from app.flows.inputs import ChoiceInput, ResidentInput, SurveyStart, TextInput, text_of
from app.flows.numbers import typed_position
from app.flows.session import Feedback
from app.flows.textmatch import is_no, is_yes, normalize
from app.flows.turn import Option, Turn

# The 9 IKM elements in the official order, each with the wording of its 1..4 answers.
ELEMENTS: tuple[tuple[str, str], ...] = (
    ("persyaratan", "sesuai"),
    ("prosedur", "mudah"),
    ("waktu", "cepat"),
    ("biaya", "biaya"),
    ("produk", "sesuai"),
    ("kompetensi", "mampu"),
    ("perilaku", "sopan"),
    ("sarana", "baik"),
    ("pengaduan", "pengaduan"),
)
SURVEY_KINDS = frozenset({"survey"})
COMPLAINT_KINDS = frozenset({"complaint_pick", "complaint_text", "complaint_confirm"})
MAX_INVALID = 3
MAX_COMPLAINT = 1000
# Words of "I want to complain" with nothing about what went wrong: ask for the complaint.
_BARE_COMPLAINT_WORDS = frozenset(
    {
        "saya", "sy", "aku", "ambo", "mau", "mo", "ingin", "pengen", "pingin", "ada", "buat",
        "membuat", "ajukan", "mengajukan", "kirim", "min", "kak", "pak", "bu", "mas", "mbak",
        "tolong", "komplain", "komplen", "complain", "keluhan", "mengeluh", "pengaduan", "aduan",
        "mengadu", "lapor", "melapor", "laporan", "complaint", "i", "want", "to", "file", "make",
        "a",
    }
)  # fmt: skip


def _clear(turn: Turn) -> None:
    turn.session.feedback = None
    turn.session.awaiting = None
    turn.session.tries = 0


# --- survey -----------------------------------------------------------------------------------


def on_start(turn: Turn, item: SurveyStart) -> None:
    """Offer the survey, unless the resident is busy with something else right now."""
    session = turn.session
    awaiting = session.awaiting
    if session.draft is not None or (awaiting is not None and awaiting.kind != "menu"):
        return  # do not interrupt a request or a question; the survey is simply skipped
    service = turn.catalog.services.get(item.service)
    name = service.names.get(turn.lang) if service else item.service
    session.feedback = Feedback(ticket=item.ticket, service=item.service)
    session.tries = 0
    turn.say("survey.intro", service=name, ticket=item.ticket)
    turn.wait_for("survey", "1")  # each element is its own question (and prompt id)
    ask_element(turn)


def ask_element(turn: Turn) -> None:
    """Ask the next element of the survey as a list of 4 scores."""
    feedback = turn.session.feedback
    number = len(feedback.scores) + 1 if feedback else 1
    element, scale = ELEMENTS[number - 1]
    labels = turn.t(f"survey.scale.{scale}").split("|")
    options = [Option(f"ikm:{score}", f"{score} {label}") for score, label in enumerate(labels, 1)]
    question = turn.t(f"survey.q.{element}")
    body = turn.t("survey.question", number=number, total=len(ELEMENTS), question=question)
    turn.offer(body, options, label_key="survey.button")


def score_of(turn: Turn, item: ResidentInput) -> int | None:
    """The score 1..4 a reply gives: a tapped row, a typed digit, or the typed wording."""
    if isinstance(item, ChoiceInput):
        value = item.id.removeprefix("ikm:")
        return int(value) if value in {"1", "2", "3", "4"} else None
    text = normalize(text_of(item) or "")
    if text[:1] in {"1", "2", "3", "4"} and (len(text) == 1 or not text[1].isdigit()):
        return int(text[0])
    feedback = turn.session.feedback
    number = len(feedback.scores) + 1 if feedback else 1
    labels = turn.t(f"survey.scale.{ELEMENTS[number - 1][1]}").split("|")
    for score, label in enumerate(labels, 1):
        if text and text == normalize(label):
            return score
    return None


def leaves(turn: Turn, item: ResidentInput) -> bool:
    """True (and the survey dropped) when, during the survey, the resident asks for something else.

    A message that is no score but names a service or a command means the resident has moved
    on: the caller then answers it as if no survey were open.
    """
    awaiting = turn.session.awaiting
    if awaiting is None or awaiting.kind not in SURVEY_KINDS or score_of(turn, item) is not None:
        return False
    text = text_of(item) if isinstance(item, TextInput) else None
    if not text or turn.setup.classifier.classify(text) is None:
        return False
    _clear(turn)
    return True


def on_answer(turn: Turn, item: ResidentInput) -> None:
    """A score for the element being asked; the last one files the survey and says thanks."""
    session = turn.session
    feedback = session.feedback
    if feedback is None or feedback.ticket is None:
        _clear(turn)
        return
    score = score_of(turn, item)
    if score is None:
        session.tries += 1
        if session.tries >= MAX_INVALID:
            _clear(turn)
            turn.say("survey.stopped")
            return
        turn.say("survey.invalid")
        ask_element(turn)
        return
    session.tries = 0
    feedback.scores.append(score)
    if len(feedback.scores) < len(ELEMENTS):
        turn.wait_for("survey", str(len(feedback.scores) + 1))
        ask_element(turn)
        return
    turn.emit(SurveyAnswered(feedback.ticket, list(feedback.scores)))
    _clear(turn)
    turn.say("survey.thanks")


def intercept(turn: Turn, command: str) -> bool:
    """`batal`/`menu` during the survey or a complaint stop it politely; True when consumed."""
    awaiting = turn.session.awaiting
    if awaiting is None or awaiting.kind not in SURVEY_KINDS | COMPLAINT_KINDS:
        return False
    if command not in {"cancel", "menu"}:
        return False
    in_survey = awaiting.kind in SURVEY_KINDS
    _clear(turn)
    turn.say("survey.stopped" if in_survey else "complaint.dropped")
    return command == "cancel"


# --- complaints --------------------------------------------------------------------------------


def start_complaint(turn: Turn, text: str) -> None:
    """The resident wants to complain: record a full complaint, or ask what it is about."""
    session = turn.session
    open_tickets = [request.ticket for request in turn.context.open_requests]
    words = normalize(text).split()
    if words and not all(word in _BARE_COMPLAINT_WORDS for word in words):
        ticket = open_tickets[0] if len(open_tickets) == 1 else None
        _file(turn, text.strip()[:MAX_COMPLAINT], ticket)
        return
    session.feedback = Feedback()
    session.tries = 0
    if open_tickets:
        turn.wait_for("complaint_pick")
        _ask_pick(turn)
    else:
        turn.wait_for("complaint_text")
        turn.say("complaint.ask_text")


def _ask_pick(turn: Turn) -> None:
    options = [
        Option(f"tkt:{request.ticket}", request.ticket, _service_name(turn, request.service_code))
        for request in turn.context.open_requests[:9]
    ]
    options.append(Option("tkt:-", turn.t("complaint.general")))
    turn.offer(turn.t("complaint.pick"), options)


def _service_name(turn: Turn, code: str) -> str:
    service = turn.catalog.services.get(code)
    return service.names.get(turn.lang) if service else code


def on_complaint_pick(turn: Turn, item: ResidentInput) -> None:
    """Which request the complaint is about (or none)."""
    tickets = [request.ticket for request in turn.context.open_requests]
    text = (text_of(item) or "").strip().upper()
    choice: str | None = item.id.removeprefix("tkt:") if isinstance(item, ChoiceInput) else text
    if choice not in tickets and choice != "-":
        index = (typed_position(text) or 0) - 1
        if 0 <= index < len(tickets):
            choice = tickets[index]
        elif is_no(text):
            choice = "-"
        else:
            turn.say("confirm.unclear")
            _ask_pick(turn)
            return
    if turn.session.feedback is None:
        turn.session.feedback = Feedback()
    turn.session.feedback.ticket = None if choice == "-" else choice
    turn.wait_for("complaint_text")
    turn.say("complaint.ask_text")


def on_complaint_text(turn: Turn, item: ResidentInput) -> None:
    """The complaint itself, then the confirmation."""
    text = (item.text if isinstance(item, TextInput) else "").strip()
    if not text:
        turn.say("complaint.ask_text")
        return
    if len(text) > MAX_COMPLAINT:
        turn.say("complaint.too_long", max=MAX_COMPLAINT)
        return
    if turn.session.feedback is None:
        turn.session.feedback = Feedback()
    turn.session.feedback.text = text
    turn.wait_for("complaint_confirm")
    _ask_confirm(turn)


def _ask_confirm(turn: Turn) -> None:
    feedback = turn.session.feedback
    text = feedback.text if feedback else ""
    ticket = feedback.ticket if feedback else None
    if ticket:
        body = turn.t("complaint.confirm_ticket", ticket=ticket, text=text)
    else:
        body = turn.t("complaint.confirm", text=text)
    options = [Option("yes", turn.t("complaint.send")), Option("no", turn.t("complaint.drop"))]
    turn.offer(body, options)


def on_complaint_confirm(turn: Turn, item: ResidentInput) -> None:
    """Send the complaint to an officer, or leave it."""
    feedback = turn.session.feedback
    text = text_of(item) or ""
    choice = item.id if isinstance(item, ChoiceInput) else None
    if feedback is None or not feedback.text:
        _clear(turn)
        return
    if choice == "yes" or (choice is None and is_yes(text)):
        _file(turn, feedback.text, feedback.ticket)
    elif choice == "no" or is_no(text):
        _clear(turn)
        turn.say("complaint.dropped")
    else:
        turn.say("confirm.unclear")
        _ask_confirm(turn)


def _file(turn: Turn, text: str, ticket: str | None) -> None:
    """Record the complaint and hand the conversation to an officer, who replies here."""
    _clear(turn)
    turn.emit(ComplaintFiled(text, ticket))
    turn.say("complaint.noted")
    turn.emit(HandOff("complaint"))
    turn.session.handoff = True
