"""What the engine asks the caller to do, as typed, JSON-serialisable events.

Message events enforce Meta's interactive limits when they are built, so an event that exists is
one the Cloud API accepts: at most 3 reply buttons with titles of 20 characters, at most 10 list
rows with titles of 24 and descriptions of 72 characters, bodies of at most 1024 characters.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_INTERACTIVE_BODY = 1024
MAX_TEXT = 4096
MAX_LIST_BUTTON = 20
MAX_ID = 200


def _limit(what: str, value: str, most: int) -> None:
    if not value or len(value) > most:
        raise ValueError(f"{what} must have 1 to {most} characters, got {len(value)}: {value!r}")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class _Serialisable:
    """Gives every event `to_dict()`: JSON-able data with datetimes as ISO strings."""

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = _plain(asdict(self))  # type: ignore[call-overload]
        return result


@dataclass(frozen=True)
class Button:
    """A reply button."""

    id: str
    title: str

    def __post_init__(self) -> None:
        _limit("button id", self.id, MAX_ID)
        _limit("button title", self.title, MAX_BUTTON_TITLE)


@dataclass(frozen=True)
class Row:
    """A row of an interactive list."""

    id: str
    title: str
    description: str = ""

    def __post_init__(self) -> None:
        _limit("row id", self.id, MAX_ID)
        _limit("row title", self.title, MAX_ROW_TITLE)
        if len(self.description) > MAX_ROW_DESCRIPTION:
            raise ValueError(f"row description over {MAX_ROW_DESCRIPTION}: {self.description!r}")


@dataclass(frozen=True)
class SendText(_Serialisable):
    """Send a plain text message."""

    text: str
    type: Literal["send_text"] = field(default="send_text", init=False)

    def __post_init__(self) -> None:
        _limit("text", self.text, MAX_TEXT)


@dataclass(frozen=True)
class SendButtons(_Serialisable):
    """Send a message with up to 3 reply buttons; `prompt` names the question they answer."""

    body: str
    buttons: list[Button]
    prompt: str | None = None
    type: Literal["send_buttons"] = field(default="send_buttons", init=False)

    def __post_init__(self) -> None:
        _limit("buttons body", self.body, MAX_INTERACTIVE_BODY)
        if not 1 <= len(self.buttons) <= MAX_BUTTONS:
            raise ValueError(f"1 to {MAX_BUTTONS} buttons allowed, got {len(self.buttons)}")
        if len({b.id for b in self.buttons}) != len(self.buttons):
            raise ValueError("button ids must be unique")


@dataclass(frozen=True)
class SendList(_Serialisable):
    """Send an interactive list with up to 10 rows behind one button; `prompt` as for buttons."""

    body: str
    button_label: str
    rows: list[Row]
    prompt: str | None = None
    type: Literal["send_list"] = field(default="send_list", init=False)

    def __post_init__(self) -> None:
        _limit("list body", self.body, MAX_INTERACTIVE_BODY)
        _limit("list button label", self.button_label, MAX_LIST_BUTTON)
        if not 1 <= len(self.rows) <= MAX_ROWS:
            raise ValueError(f"1 to {MAX_ROWS} rows allowed, got {len(self.rows)}")
        if len({r.id for r in self.rows}) != len(self.rows):
            raise ValueError("row ids must be unique")


@dataclass(frozen=True)
class OfferForm(_Serialisable):
    """Offer the service's WhatsApp Flow form beside the chat questions.

    The caller sends an interactive `flow` message (a template with a FLOW button outside the
    24-hour window) for `service` in `language`, carrying `token` as the `flow_token` and
    opening `screen` with `data` (the entry screen's prefill). `body` and `cta` are the words.
    """

    service: str
    language: str
    token: str
    body: str
    cta: str
    screen: str
    data: dict[str, Any] = field(default_factory=dict)
    ticket: str | None = None
    type: Literal["offer_form"] = field(default="offer_form", init=False)

    def __post_init__(self) -> None:
        _limit("form offer body", self.body, MAX_INTERACTIVE_BODY)
        _limit("form button", self.cta, MAX_BUTTON_TITLE)


@dataclass(frozen=True)
class StoreMedia(_Serialisable):
    """Fetch this media item into the locker and check it; answer with `DocumentChecked`."""

    requirement: str
    media_id: str
    mime_type: str
    sha256: str | None = None
    filename: str | None = None
    service: str | None = None  # the service the requirement belongs to (limits, reuse kind)
    type: Literal["store_media"] = field(default="store_media", init=False)


@dataclass(frozen=True)
class ReuseDocument(_Serialisable):
    """The resident agreed to reuse a document already in the locker for this requirement."""

    requirement: str
    document_id: str
    type: Literal["reuse_document"] = field(default="reuse_document", init=False)


@dataclass(frozen=True)
class SubmitRequest(_Serialisable):
    """Persist this request (ticket None = a new one) and answer with `SubmissionAccepted`.

    `warnings` holds, per NIK field, codes such as "nik_birth_date_mismatch" for staff to
    review. `draft_id` is the same for every submission of one draft, so a replayed submission
    can be recognised.
    """

    service: str
    variant: str | None
    fields: dict[str, Any]
    documents: dict[str, list[str]]
    language: str
    ticket: str | None = None
    warnings: dict[str, list[str]] = field(default_factory=dict)
    draft_id: str = ""
    delivery: str = "pickup"  # how the result reaches the resident (catalog `delivery.ways`)
    delivery_address: str | None = None  # where to, for home delivery without an address answer
    type: Literal["submit_request"] = field(default="submit_request", init=False)


@dataclass(frozen=True)
class CancelRequest(_Serialisable):
    """Cancel the resident's unsubmitted draft (ticket None) or a submitted request."""

    ticket: str | None = None
    type: Literal["cancel_request"] = field(default="cancel_request", init=False)


@dataclass(frozen=True)
class HandOff(_Serialisable):
    """Put the conversation in an operator's queue; until it ends the bot only acknowledges."""

    reason: str
    type: Literal["hand_off"] = field(default="hand_off", init=False)


@dataclass(frozen=True)
class LanguageChanged(_Serialisable):
    """The resident switched language ("id" or "en"); remember it on the resident."""

    language: str
    type: Literal["language_changed"] = field(default="language_changed", init=False)


@dataclass(frozen=True)
class WaitUntil(_Serialisable):
    """Send `TimeoutInput` at this moment if the resident has not answered; None = never."""

    deadline: datetime | None
    type: Literal["wait_until"] = field(default="wait_until", init=False)


@dataclass(frozen=True)
class ConversationExpired(_Serialisable):
    """The resident went quiet; the draft is kept and offered again on their next message."""

    type: Literal["conversation_expired"] = field(default="conversation_expired", init=False)


@dataclass(frozen=True)
class Failure(_Serialisable):
    """The engine could not go on (step limit, broken definition); the draft was dropped."""

    reason: str
    type: Literal["failure"] = field(default="failure", init=False)


@dataclass(frozen=True)
class SurveyAnswered(_Serialisable):
    """The resident scored all 9 IKM elements (1..4, in the official order) for `ticket`."""

    ticket: str
    scores: list[int]
    type: Literal["survey_answered"] = field(default="survey_answered", init=False)


@dataclass(frozen=True)
class ComplaintFiled(_Serialisable):
    """The resident filed a complaint, about one of their requests (`ticket`) or in general."""

    text: str
    ticket: str | None = None
    type: Literal["complaint_filed"] = field(default="complaint_filed", init=False)


@dataclass(frozen=True)
class MemoryConsent(_Serialisable):
    """The resident agreed (or not) that Loket keeps their data for next time."""

    granted: bool
    type: Literal["memory_consent"] = field(default="memory_consent", init=False)


@dataclass(frozen=True)
class Remember(_Serialisable):
    """Keep this for next time (only sent while the resident agrees).

    `person` maps "nik", "name", "kk", "address", "phone" to values; `subject` is the subject
    (kind, key, label) that `fields` and `documents` belong to, if any; `expires_on` is an ISO
    date when the subject's permit ends.
    """

    service: str
    person: dict[str, str]
    subject: list[str] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, list[str]] = field(default_factory=dict)
    expires_on: str | None = None
    type: Literal["remember"] = field(default="remember", init=False)


@dataclass(frozen=True)
class ForgetMemory(_Serialisable):
    """The resident withdrew consent: forget everything kept for next time."""

    type: Literal["forget_memory"] = field(default="forget_memory", init=False)


@dataclass(frozen=True)
class ResendIssued(_Serialisable):
    """The resident asks for their issued document again (of `ticket`, or their latest one)."""

    ticket: str | None = None
    type: Literal["resend_issued"] = field(default="resend_issued", init=False)


@dataclass(frozen=True)
class PickupProxy(_Serialisable):
    """The resident names who collects request `ticket`: a family member on the same KK
    (`name`, `nik`), or themselves again when both are None."""

    ticket: str
    name: str | None = None
    nik: str | None = None
    type: Literal["pickup_proxy"] = field(default="pickup_proxy", init=False)


@dataclass(frozen=True)
class ChangeDelivery(_Serialisable):
    """The resident changes how request `ticket` reaches them (`way`: pickup, digital, home)
    before the office starts processing it (`app/flows/delivery_choice.py`)."""

    ticket: str
    way: str
    address: str | None = None  # where to deliver, when the request holds no address
    type: Literal["change_delivery"] = field(default="change_delivery", init=False)


Event = (
    SendText
    | SendButtons
    | SendList
    | OfferForm
    | StoreMedia
    | ReuseDocument
    | SubmitRequest
    | CancelRequest
    | HandOff
    | LanguageChanged
    | WaitUntil
    | ConversationExpired
    | Failure
    | SurveyAnswered
    | ComplaintFiled
    | MemoryConsent
    | Remember
    | ForgetMemory
    | ResendIssued
    | PickupProxy
    | ChangeDelivery
)
MessageEvent = SendText | SendButtons | SendList
