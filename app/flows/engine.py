"""The conversation engine: snapshot + input + resident context in, new snapshot + events out.

Pure and deterministic: the clock and the id generator are injected, nothing is read or written
outside the returned `Step`. The caller stores `Step.snapshot` and carries out `Step.events`
(send messages, store media, submit the request...) and reports results back as inputs
(`DocumentChecked`, `SubmissionAccepted`, `TimeoutInput`, `OperatorEvent`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from pydantic import ValidationError

from app.flows import (
    album,
    answers,
    commands,
    delivery_address,
    delivery_change,
    documents,
    form_completion,
    handoff_timeout,
    handoff_wait,
    information,
    operator_offer,
    page_pause,
    person_request,
    proxy_pickup,
    recall_reply,
    resend,
    survey,
    system,
    withdrawal,
)
from app.flows.asides import intercept as answer_aside
from app.flows.catalog import Catalog
from app.flows.context import ResidentContext
from app.flows.events import Event, Failure, SendButtons, SendList, SendText, WaitUntil
from app.flows.inputs import (
    ChoiceInput,
    DocumentChecked,
    FormSubmitted,
    Input,
    MediaInput,
    OperatorEvent,
    ResidentInput,
    SubmissionAccepted,
    SurveyStart,
    TimeoutInput,
    text_of,
)
from app.flows.intents import IntentClassifier
from app.flows.messages import Messages, shipped_messages
from app.flows.not_yet import intercept as intercept_not_yet
from app.flows.numbers import typed_position
from app.flows.progress import advance, start_service
from app.flows.prompts import ask, menu
from app.flows.session import Session
from app.flows.switching import intercept as intercept_switch
from app.flows.turn import DefinitionError, Setup, StepLimitExceeded, Turn

DEFAULT_OFFICE = "Pemerintah Kabupaten Contoh"
Handler = Callable[[Turn, ResidentInput], None]
HANDLERS: dict[str, Handler] = {
    "variant": answers.on_variant,
    "field": answers.on_field,
    "confirm": answers.on_confirm,
    "edit": answers.on_edit,
    "document": documents.on_document,
    "reuse": documents.on_reuse,
    "album": album.on_answer,
    "cancel": commands.on_cancel,
    "cancel_pick": commands.on_cancel_pick,
    "operator_offer": lambda turn, item: operator_offer.on_reply(turn, item, _resident),
    "resume": commands.on_resume,
    "language": commands.on_language,
    "survey": survey.on_answer,
    "complaint_pick": survey.on_complaint_pick,
    "complaint_text": survey.on_complaint_text,
    "complaint_confirm": survey.on_complaint_confirm,
    "subject": recall_reply.on_subject,
    "recall": recall_reply.on_recall,
    "consent": lambda turn, item: recall_reply.on_consent(turn, item, _idle),
    "proxy_name": proxy_pickup.on_name,
    "proxy_nik": proxy_pickup.on_nik,
    "proxy_confirm": proxy_pickup.on_confirm,
    "delivery_address": delivery_address.on_address,
}


@dataclass(frozen=True)
class Step:
    """The result of one `Engine.handle` call; `snapshot` is plain JSON-able data."""

    snapshot: dict[str, Any]
    events: list[Event]


class Engine:
    """Runs conversations over one catalog."""

    def __init__(
        self,
        catalog: Catalog,
        *,
        clock: Callable[[], datetime],
        new_id: Callable[[], str],
        max_steps: int = 100,
        messages: Messages | None = None,
        office_name: str = DEFAULT_OFFICE,
        reminder_after: timedelta = timedelta(hours=2),
        expire_after: timedelta = timedelta(hours=20),
        timezone: tzinfo | None = None,
        handoff_timeout_hours: float | None = None,
    ) -> None:
        self.clock = clock
        self.handoff_timeout_hours = handoff_timeout_hours
        self.reminder_after = reminder_after
        self.expire_after = expire_after
        self.setup = Setup(
            catalog=catalog,
            messages=messages or shipped_messages(),
            classifier=IntentClassifier(catalog),
            office_name=office_name,
            max_steps=max_steps,
            new_id=new_id,
            timezone=timezone,
        )

    def handle(
        self, snapshot: dict[str, Any] | None, input: Input, context: ResidentContext
    ) -> Step:
        """Process one input and return the new snapshot and the events to carry out."""
        unreadable = None
        try:
            session = Session.load(snapshot, context.language)
        except ValidationError as exc:
            # A snapshot this release cannot read must not block the resident forever.
            session, unreadable = Session.load(None, context.language), exc.error_count()
        if session.handoff and not isinstance(input, (*_SYSTEM_INPUTS, FormSubmitted)):
            # An operator has the conversation: the bot only acknowledges and runs a few commands.
            turn = Turn(self.setup, session, context, self.clock())
            handoff_wait.during(turn, input)
            self._schedule(turn)
            return Step(session.dump(), turn.events)
        handed_off = session.handoff
        turn = Turn(self.setup, session, context, self.clock())
        if unreadable is not None:
            turn.emit(Failure(f"unreadable snapshot ({unreadable} problems); started afresh"))
        try:
            _dispatch(turn, input)
        except (StepLimitExceeded, DefinitionError) as exc:
            _fail(turn, str(exc))
        turn.flush_note()
        if session.handoff and not handed_off:
            handoff_timeout.start(turn, self.handoff_timeout_hours)
        if handed_off and session.handoff:
            _hold_messages(turn)
            if isinstance(input, FormSubmitted):  # taken in; its answer waits for the officer
                handoff_wait.acknowledge(turn)
        self._schedule(turn)
        return Step(session.dump(), turn.events)

    def _schedule(self, turn: Turn) -> None:
        """After any output, tell the caller when to send a TimeoutInput (or never)."""
        if not turn.events:
            return
        session = turn.session
        waiting = (
            not session.handoff
            and session.draft is not None
            and session.awaiting is not None
            and session.awaiting.kind != "submitting"
        )
        delay = self.expire_after if session.reminded else self.reminder_after
        if page_pause.pausing(session):  # "Ada foto lain?": no answer is an answer
            delay = page_pause.PAGE_PAUSE
        session.deadline = turn.now + delay if waiting else None
        if session.handoff:
            session.deadline = session.handoff_until
        turn.emit(WaitUntil(session.deadline))


_SYSTEM_INPUTS = (TimeoutInput, DocumentChecked, SubmissionAccepted, OperatorEvent)


def _dispatch(turn: Turn, item: Input) -> None:
    turn.step()
    match item:
        case TimeoutInput():
            if not handoff_timeout.on_timeout(turn):
                system.on_timeout(turn)
        case DocumentChecked():
            if not form_completion.on_checked(turn, item):
                documents.on_checked(turn, item)
        case SubmissionAccepted():
            system.on_submission_accepted(turn, item)
        case OperatorEvent():
            system.on_operator(turn, item)
        case SurveyStart():
            survey.on_start(turn, item)
        case FormSubmitted():
            form_completion.on_submitted(turn, item)
        case _:
            _resident(turn, item)


def _resident(turn: Turn, item: ResidentInput) -> None:
    session = turn.session
    session.reminded = False
    if isinstance(item, ChoiceInput):
        if _stale(turn, item):
            _answer_stale(turn)
            return
        if item.id.startswith("page:") and session.awaiting is not None:
            session.awaiting.page = typed_position(item.id[5:]) or 0
            ask(turn)
            return
        if item.id.startswith(("svc:", "req:")):
            _idle(turn, item)
            return
    if recall_reply.intercept(turn, item):  # "hapus data saya", "perpanjang" after a reminder
        return
    if proxy_pickup.intercept(turn, item):  # "yang ambil nanti adik saya"
        return
    command = commands.command_in(item)
    if command is not None and survey.intercept(turn, command):
        return
    if command is not None:
        commands.run(turn, command, text_of(item) or "")
        return
    if session.draft is not None and session.awaiting is None:
        turn.wait_for("resume")  # the conversation expired earlier; the draft was kept
        ask(turn)
        return
    if isinstance(item, MediaInput) and (
        documents.straggler(turn, item) or page_pause.late_page(turn, item)
    ):
        return
    if resend.intercept(turn, item):  # "kirim ulang dokumen KK saya"
        return
    if delivery_change.intercept(turn, item):  # "diantar ke rumah aja" before processing
        return
    if withdrawal.intercept(turn, item) or person_request.intercept(turn, item):
        return
    if intercept_switch(turn, item) or intercept_not_yet(turn, item):
        return
    if answer_aside(turn, item):  # courtesy and side questions keep the open step
        return
    handler = HANDLERS.get(session.awaiting.kind) if session.awaiting else None
    if handler is None or survey.leaves(turn, item):
        _idle(turn, item)
    else:
        handler(turn, item)


def _idle(turn: Turn, item: ResidentInput) -> None:
    """No question open (or the menu): start a service, run a command, or show the menu."""
    text = text_of(item)
    if isinstance(item, ChoiceInput):
        code = item.id[4:]
        if item.id.startswith("svc:") and code in turn.catalog.services:
            start_service(turn, code)
            return
        if item.id.startswith("req:") and code in turn.catalog.services:
            information.requirements(turn, "", code=code)
            return
        if item.id == "resume" and turn.session.draft is not None:
            advance(turn)
            return
    if text is None:
        # One message: a word about what they sent, on top of the menu (not the menu twice).
        turn.note(answers.unsupported_text(turn, item, at_menu=True))
        turn.wait_for("menu")
        menu(turn)
        return
    label = turn.setup.classifier.classify(text)
    if label is not None and label in turn.catalog.services:
        start_service(turn, label, text)
    elif label == "menu":
        commands.greet(turn)
    elif label is not None:
        commands.run(turn, label, text)
    else:
        turn.say("menu.not_understood")
        turn.wait_for("menu")
        menu(turn)


# Taps that mean the same at any point, like typing the service or command: never stale.
GLOBAL_CHOICES = ("svc:", "req:", "cmd:")


def _stale(turn: Turn, item: ChoiceInput) -> bool:
    """True when the tapped button belongs to a question other than the one open now.

    Only a reply whose message is known (`item.prompt`) can be stale; without it (no reply
    context, a message from before prompts existed) the tap is read as it always was.
    """
    if item.prompt is None or item.id.startswith(GLOBAL_CHOICES):
        return False
    awaiting = turn.session.awaiting
    return awaiting is None or awaiting.prompt != item.prompt


def _answer_stale(turn: Turn) -> None:
    """Say the button no longer counts and ask the open question again (or show the menu)."""
    session = turn.session
    turn.note(turn.t("stale.button"))
    if session.awaiting is None:
        turn.wait_for("resume" if session.draft is not None else "menu")
    ask(turn)


def _fail(turn: Turn, reason: str) -> None:
    session = turn.session
    session.draft = None
    session.awaiting = None
    session.resume_to = None
    turn.say("failure.apology")
    turn.emit(Failure(reason))


def _hold_messages(turn: Turn) -> None:
    """During a hand-off, keep messages for later instead of sending them now."""
    kept: list[Event] = []
    for event in turn.events:
        if isinstance(event, SendText | SendButtons | SendList):
            turn.session.held.append(event.to_dict())
        else:
            kept.append(event)
    turn.events = kept
