"""Hypothesis on the pure engine: whatever a resident, an operator or the system sends, and in
whatever state, `Engine.handle` never raises and always answers with something valid.

A conversation is drawn move by move for a service of the shipped catalog: taps on the buttons
the engine just offered, plausible answers, hostile text and forged taps, media, locations,
unsupported kinds, the system's verdicts (documents checked, submissions accepted, timeouts,
operator events, surveys), and now and then a snapshot damaged in storage. After every move:
- no exception, and no `Failure` unless a snapshot of this conversation was damaged;
- every event is one the engine's own types accept (they check Meta's limits when built) and
  serialises to JSON, and `WaitUntil`, when present, is the last event and comes only once;
- the snapshot survives a JSON round trip and loads again;
- a resident's message gets at least one message back, or the work whose result brings one (a
  document check, a submission), unless an operator has the conversation or the snapshot given
  was damaged.

`LOKET_FUZZ=long` runs 10,000 conversations per test (see tests/support/fuzz.py).
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from app.flows.catalog import shipped_catalog
from app.flows.context import OfficeInfo, RequestSummary, ResidentContext, StoredDocument
from app.flows.engine import Engine, Step
from app.flows.events import (
    Failure,
    SendButtons,
    SendList,
    SendText,
    StoreMedia,
    SubmitRequest,
    WaitUntil,
)
from app.flows.inputs import (
    ChoiceInput,
    DocumentChecked,
    Input,
    LocationInput,
    MediaInput,
    OperatorEvent,
    SubmissionAccepted,
    SurveyStart,
    TextInput,
    TimeoutInput,
    UnsupportedInput,
)
from app.flows.session import Session
from tests.support.fuzz import forged_id, fuzz_settings, hostile_text

CATALOG = shipped_catalog()
SERVICES = sorted(CATALOG.services)
_DOCUMENTS = [doc for service in CATALOG.services.values() for doc in service.documents]
REQUIREMENTS = sorted({doc.key for doc in _DOCUMENTS})
DOCUMENT_KINDS = sorted({doc.kind or doc.key for doc in _DOCUMENTS})
START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
MOVES_PER_CONVERSATION = 30
MESSAGES = (SendText, SendButtons, SendList)
# Work whose result the caller reports back (`DocumentChecked`, `SubmissionAccepted`): the
# engine answers the resident then, so asking for it is an answer too.
PENDING_WORK = (StoreMedia, SubmitRequest)
OPERATOR_NOTE = 2000
PROFILE_NAME = 256  # app.bot.webhook_models.MAX_TEXT
# Answers that move a form on, so that the fuzz reaches the later questions and the summary.
PLAUSIBLE = [
    "1303015708900001",
    "7307012010150001",
    "Siti Aminah",
    "17-08-1990",
    "perempuan",
    "Dusun Mawar RT 02/RW 01",
    "belum kawin",
    "Islam",
    "Makassar",
    "ya",
    "benar",
]
REASONS = ["blurred", "too_dark", "too_many_pixels", "pdf_encrypted", "unavailable", "cosmic"]

_when = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
_short = st.one_of(st.sampled_from(["", "x", "KTP-261120-0002"]), st.text(max_size=30))
# Tickets come from the database, in one format ("KTP-261120-0002"), never empty.
_ticket = st.one_of(
    st.sampled_from(["KTP-261120-0002", "KK-261121-0001"]),
    st.from_regex(r"[A-Z]{2,5}-[0-9]{6}-[0-9]{4}", fullmatch=True),
)
contexts = st.builds(
    ResidentContext,
    language=st.sampled_from(["id", "en", "", "xx"]),
    # The name is the WhatsApp profile name, which the webhook keeps to 256 characters.
    name=st.none() | hostile_text.map(lambda name: name[:PROFILE_NAME]),
    open_requests=st.lists(
        st.builds(
            RequestSummary,
            ticket=_ticket,
            service_code=st.sampled_from([*SERVICES, "", "unknown"]),
            status=st.sampled_from(["submitted", "in_review", "ready", "done", "weird"]),
            updated_at=_when,
            due_date=st.none() | st.dates(),
            office_name=st.none() | hostile_text,
            pickup_place=st.none() | hostile_text,
            pickup_hours=st.none() | hostile_text,
        ),
        max_size=4,
    ),
    locker=st.lists(
        st.builds(
            StoredDocument,
            document_id=_short,
            kind=st.sampled_from([*DOCUMENT_KINDS, "weird"]),
            accepted_at=_when,
            expires_at=st.none() | _when,
        ),
        max_size=4,
    ),
    office=st.none()
    | st.builds(
        OfficeInfo,
        name=hostile_text,
        address=st.none() | hostile_text,
        hours_text=st.none() | hostile_text,
        opening=st.times(),
        closing=st.sampled_from([time(0, 0), time(16, 0), time(23, 59)]),
        working_weekdays=st.lists(st.integers(0, 6), max_size=7).map(tuple),
        days_off=st.lists(st.dates(min_value=date(2026, 1, 1)), max_size=5).map(tuple),
        open_now=st.booleans(),
        opens_next=st.none() | _when,
    ),
)
_media = st.builds(
    MediaInput,
    kind=st.sampled_from(["image", "document", "audio", "video", "sticker"]),
    media_id=_short,
    mime_type=st.sampled_from(["image/jpeg", "application/pdf", "image/svg+xml", "", "x/y"]),
    sha256=st.none() | _short,
    caption=st.none() | hostile_text,
    filename=st.none() | hostile_text,
    group_hint=st.none() | st.sampled_from(["album-1", "album-2"]),
)
resident_inputs = st.one_of(
    st.builds(TextInput, hostile_text),
    st.builds(ChoiceInput, forged_id, hostile_text, st.none() | _short),
    _media,
    st.builds(
        LocationInput,
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(allow_nan=True, allow_infinity=True),
        st.none() | hostile_text,
        st.none() | hostile_text,
    ),
    st.builds(UnsupportedInput, st.one_of(st.sampled_from(["voice", "reaction"]), hostile_text)),
)
system_inputs = st.one_of(
    st.just(TimeoutInput()),
    st.builds(
        DocumentChecked,
        requirement=st.one_of(st.sampled_from(REQUIREMENTS), _short),
        document_id=_short,
        accepted=st.booleans(),
        reason=st.none() | st.sampled_from(REASONS),
        pages=st.integers(-5, 10_000),
    ),
    st.builds(SubmissionAccepted, ticket=_ticket, due_date=st.dates()),
    st.builds(
        OperatorEvent,
        kind=st.sampled_from(["correction_needed", "handoff_ended"]),
        documents=st.lists(st.one_of(st.sampled_from(REQUIREMENTS), _short), max_size=3),
        fields=st.lists(st.sampled_from(["nik", "nama", "alamat", "x", ""]), max_size=3),
        # Operators' notes reach the engine through the dashboard and the API, which take at
        # most 2,000 characters (app/requests/work.py, app/api/schemas.py).
        note=st.none() | hostile_text.filter(lambda note: len(note) <= OPERATOR_NOTE),
        ticket=st.none() | _ticket,
        service=st.none() | st.sampled_from([*SERVICES, "unknown"]),
    ),
    st.builds(SurveyStart, ticket=_ticket, service=st.sampled_from([*SERVICES, "unknown"])),
)
# A snapshot damaged in storage: a key replaced by garbage JSON.
_garbage = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=10), st.lists(st.integers())
)


def _engine() -> Engine:
    ids = itertools.count(1)
    return Engine(
        CATALOG,
        clock=lambda: START,
        new_id=lambda: f"id-{next(ids)}",
        timezone=ZoneInfo("Asia/Jakarta"),
    )


def _offered(step: Step) -> list[str]:
    ids: list[str] = []
    for event in step.events:
        if isinstance(event, SendButtons):
            ids += [button.id for button in event.buttons]
        elif isinstance(event, SendList):
            ids += [row.id for row in event.rows]
    return ids


def _answers_to(step: Step) -> list[Input]:
    """What the caller would report back for the side effects the engine asked for."""
    answers: list[Input] = []
    for event in step.events:
        if isinstance(event, StoreMedia):
            answers.append(DocumentChecked(event.requirement, f"doc-{event.media_id}", True))
            answers.append(DocumentChecked(event.requirement, "doc-x", False, "blurred"))
        elif isinstance(event, SubmitRequest):
            answers.append(SubmissionAccepted(event.ticket or "KTP-261122-0001", date(2026, 12, 1)))
    return answers


def _next_input(data: st.DataObject, last: Step) -> Input:
    offered, answers = _offered(last), _answers_to(last)
    move = data.draw(st.sampled_from(["tap", "answer", "report", "resident", "system"]))
    if move == "tap" and offered:
        return ChoiceInput(data.draw(st.sampled_from(offered)), "x", None)
    if move == "report" and answers:
        return data.draw(st.sampled_from(answers))
    if move == "answer":
        return TextInput(data.draw(st.sampled_from(PLAUSIBLE)))
    if move == "system":
        return data.draw(system_inputs)
    return data.draw(resident_inputs)


def _damaged(data: st.DataObject, snapshot: dict[str, Any]) -> dict[str, Any]:
    key = data.draw(st.sampled_from(sorted(snapshot)))
    return {**snapshot, key: data.draw(_garbage)}


def _check(step: Step, item: Input, was_handed_off: bool, damaged: bool) -> None:
    """The engine's answer to `item` is one a caller can carry out and store."""
    assert isinstance(step, Step)
    for event in step.events:
        json.dumps(event.to_dict(), allow_nan=False)
        if not damaged:
            assert not isinstance(event, Failure), (event, item)
    waits = [i for i, event in enumerate(step.events) if isinstance(event, WaitUntil)]
    assert waits in ([], [len(step.events) - 1]), step.events
    stored = json.loads(json.dumps(step.snapshot, allow_nan=False))
    Session.load(stored, "id")
    resident = isinstance(item, TextInput | ChoiceInput | MediaInput | LocationInput)
    # A damaged snapshot that still loads may contradict itself (a survey question open with
    # no survey): the engine then tidies up, and may have nothing to say.
    if (resident or isinstance(item, UnsupportedInput)) and not was_handed_off and not damaged:
        answer = MESSAGES + PENDING_WORK
        assert any(isinstance(event, answer) for event in step.events), (item, step.events)


def _handed_off(snapshot: dict[str, Any]) -> bool:
    try:
        return Session.load(snapshot, "id").handoff
    except ValueError:  # unreadable: the engine starts afresh
        return False


def _converse(service: str, context: ResidentContext, data: st.DataObject) -> None:
    engine = _engine()
    step = engine.handle(None, ChoiceInput(f"svc:{service}", service), context)
    _check(step, TimeoutInput(), False, False)
    damaged = False
    for _ in range(MOVES_PER_CONVERSATION):
        snapshot = json.loads(json.dumps(step.snapshot))
        damage_now = data.draw(st.integers(0, 19)) == 0
        if damage_now:
            snapshot = _damaged(data, snapshot)
        # Damage that still loads may leave a contradiction (a question open about a draft that
        # is gone) which a later turn meets: from then on a visible `Failure` is the right answer.
        damaged = damaged or damage_now
        item = _next_input(data, step)
        handed_off = _handed_off(snapshot)
        step = engine.handle(snapshot, item, context)
        _check(step, item, handed_off, damaged)


@fuzz_settings(ci_examples=150)
@given(service=st.sampled_from(SERVICES), context=contexts, data=st.data())
def test_no_conversation_makes_the_engine_raise_or_answer_invalidly(
    service: str, context: ResidentContext, data: st.DataObject
) -> None:
    _converse(service, context, data)


@fuzz_settings(ci_examples=150)
@given(context=contexts, first=st.one_of(resident_inputs, system_inputs))
def test_any_first_input_gets_a_valid_answer(context: ResidentContext, first: Input) -> None:
    step = _engine().handle(None, first, context)
    _check(step, first, False, False)
