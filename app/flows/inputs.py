"""What can reach the engine: a resident's message, a timeout, or a verdict from the system.

Each input is a frozen dataclass with a `type` tag so that inputs can be stored and replayed as
plain JSON (`to_dict` / `parse_input`), which is what the golden conversation tests do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

MediaKind = Literal["image", "document", "audio", "video", "sticker"]


@dataclass(frozen=True)
class TextInput:
    """A typed message."""

    text: str
    type: Literal["text"] = field(default="text", init=False)


@dataclass(frozen=True)
class ChoiceInput:
    """A tap on a reply button or a list row: `id` is what the engine put on it.

    `prompt` is the prompt id of the message that carried the button, when the caller knows it
    (WhatsApp names the message a reply answers); None means "unknown", read as today.
    """

    id: str
    title: str = ""
    prompt: str | None = None
    type: Literal["choice"] = field(default="choice", init=False)


@dataclass(frozen=True)
class MediaInput:
    """A photo, file, voice note, video or sticker; `group_hint` ties items sent together."""

    kind: MediaKind
    media_id: str
    mime_type: str
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None
    group_hint: str | None = None
    type: Literal["media"] = field(default="media", init=False)


@dataclass(frozen=True)
class LocationInput:
    """A shared location pin."""

    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None
    type: Literal["location"] = field(default="location", init=False)


@dataclass(frozen=True)
class UnsupportedInput:
    """Anything the engine cannot read: reaction, voice note, contacts, order, unknown..."""

    kind: str
    type: Literal["unsupported"] = field(default="unsupported", init=False)


@dataclass(frozen=True)
class TimeoutInput:
    """Sent by the caller once the deadline of the last `WaitUntil` has passed."""

    type: Literal["timeout"] = field(default="timeout", init=False)


@dataclass(frozen=True)
class DocumentChecked:
    """The locker's verdict on a media item the engine asked it to store.

    `reason` is one of the locker's refusal codes (`Reason` in app/locker/reasons.py: "blurred",
    "too_dark", "too_many_pixels", "pdf_encrypted", "unavailable", ...); each has a
    `reject.<code>` text in the message files. `sha256` is the locker's hash of the stored
    bytes (lowercase hex), by which the engine recognises the same file sent twice.
    """

    requirement: str
    document_id: str
    accepted: bool
    reason: str | None = None
    pages: int = 1
    sha256: str | None = None
    type: Literal["document_checked"] = field(default="document_checked", init=False)


@dataclass(frozen=True)
class SubmissionAccepted:
    """The caller persisted the request the engine submitted."""

    ticket: str
    due_date: date
    type: Literal["submission_accepted"] = field(default="submission_accepted", init=False)


@dataclass(frozen=True)
class OperatorEvent:
    """An operator's action that the resident must hear about.

    `documents` holds requirement keys or document ids, `fields` field keys. `ticket` names the
    request a correction is for; `service` lets the engine handle a correction for a request it
    no longer remembers.
    """

    kind: Literal["correction_needed", "handoff_ended", "handoff_answered"]
    documents: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    note: str | None = None
    ticket: str | None = None
    service: str | None = None
    type: Literal["operator"] = field(default="operator", init=False)


@dataclass(frozen=True)
class SurveyStart:
    """A request was completed: offer the resident the satisfaction survey (IKM) about it."""

    ticket: str
    service: str
    type: Literal["survey_start"] = field(default="survey_start", init=False)


@dataclass(frozen=True)
class FormSubmitted:
    """A resident submitted a WhatsApp Flow form (the `nfm_reply` completion).

    `payload` is the completion's `response_json` without `flow_token`: answers by field key,
    files as lists of `{file_name, mime_type, sha256, id}` (app/flows/forms/keys.py).
    `flow_token` is the token in the payload (WhatsApp sometimes leaves it out); `reply_token`
    is the token of our message the completion names in `context.id`, looked up by the caller.
    The engine matches either against the draft it offered the form for.

    `renewal` and `renewal_subject` are set by the caller only for a form opened from an expiry
    reminder whose signed token it verified for this resident: the service to renew and the
    subject's key (a boat). Such a form starts that renewal when no draft is open for it.
    """

    payload: dict[str, Any] = field(default_factory=dict)
    flow_token: str | None = None
    reply_token: str | None = None
    renewal: str | None = None
    renewal_subject: str | None = None
    type: Literal["form_submitted"] = field(default="form_submitted", init=False)


Input = (
    TextInput
    | ChoiceInput
    | MediaInput
    | LocationInput
    | UnsupportedInput
    | FormSubmitted
    | TimeoutInput
    | DocumentChecked
    | SubmissionAccepted
    | OperatorEvent
    | SurveyStart
)

ResidentInput = TextInput | ChoiceInput | MediaInput | LocationInput | UnsupportedInput

_BY_TYPE: dict[str, type[Any]] = {
    "text": TextInput,
    "choice": ChoiceInput,
    "media": MediaInput,
    "location": LocationInput,
    "unsupported": UnsupportedInput,
    "form_submitted": FormSubmitted,
    "timeout": TimeoutInput,
    "document_checked": DocumentChecked,
    "submission_accepted": SubmissionAccepted,
    "operator": OperatorEvent,
    "survey_start": SurveyStart,
}


def input_to_dict(item: Input) -> dict[str, Any]:
    """The input as JSON-able data (dates as ISO strings)."""
    data = asdict(item)
    if isinstance(item, SubmissionAccepted):
        data["due_date"] = item.due_date.isoformat()
    return data


def parse_input(data: dict[str, Any]) -> Input:
    """Build an input from `input_to_dict` output; raises ValueError on an unknown type."""
    values = dict(data)
    kind = values.pop("type", None)
    cls = _BY_TYPE.get(str(kind))
    if cls is None:
        raise ValueError(f"unknown input type {kind!r}")
    if cls is SubmissionAccepted and isinstance(values.get("due_date"), str):
        values["due_date"] = date.fromisoformat(values["due_date"])
    result: Input = cls(**values)
    return result


def text_of(item: ResidentInput) -> str | None:
    """What the resident typed, or the title of what they tapped; None for anything else."""
    if isinstance(item, TextInput):
        return item.text
    if isinstance(item, ChoiceInput):
        return item.title or None
    return None
