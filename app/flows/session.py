"""The conversation snapshot: everything the engine remembers between two messages.

It is a pydantic model so the engine works with typed data, and it is stored by the caller as
the plain JSON of `dump()`. `version` lets a later release migrate old snapshots.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

VERSION = 1
MAX_REMEMBERED_TICKETS = 5

AwaitKind = Literal[
    "menu",
    "variant",
    "field",
    "document",
    "reuse",
    "album",
    "confirm",
    "edit",
    "submitting",
    "cancel",
    "cancel_pick",
    "operator_offer",
    "resume",
    "language",
    "survey",
    "complaint_pick",
    "complaint_text",
    "complaint_confirm",
    "switch",
    "subject",
    "recall",
    "consent",
    "proxy_name",
    "proxy_nik",
    "proxy_confirm",
    "delivery_address",
]


class Await(BaseModel):
    """What the engine is waiting for: a kind of answer and, for fields or documents, a key.

    `prompt` names this question: every button or list sent for it carries the same id, so a
    tap on a button of an earlier question can be told apart from an answer to this one.
    """

    kind: AwaitKind
    key: str | None = None
    page: int = 0
    target: str | None = None
    prompt: str | None = None


class DocProgress(BaseModel):
    """The document being collected: checks still pending and the album it came in."""

    key: str
    pending: int = 0
    pending_kinds: list[str] = Field(default_factory=list)
    group: str | None = None
    done_requested: bool = False
    extras_noted: bool = False
    pending_hashes: list[str] = Field(default_factory=list)  # of files still being checked
    group_count: int = 0  # files of `group` sent for this document
    discard: int = 0  # files withdrawn ("salah kirim") before their check came back
    duplicates: int = 0  # checked files that were a copy of one already received
    fresh: int = 0  # files counted since the resident last heard about this document
    more_offered: bool = False  # "Ada foto lain?" was asked: a pause with no file moves on


class Received(BaseModel):
    """One accepted file of the draft, newest last: what "salah kirim" withdraws and what a
    copy of the same bytes is compared with (`sha256`, computed by the locker)."""

    requirement: str
    document_id: str
    pages: int = 1
    kind: str = "image"
    sha256: str | None = None
    group: str | None = None


class AlbumPhoto(BaseModel):
    """A photo of an album assigned to a later requirement, waiting for the resident's yes."""

    requirement: str
    state: Literal["pending", "accepted", "rejected"] = "pending"
    document_id: str | None = None
    pages: int = 1
    kind: str = "image"
    sha256: str | None = None
    reason: str | None = None


class Album(BaseModel):
    """Several photos sent at once while one requirement was asked (app/flows/album.py).

    The first photos went to the requirement asked (`first`, `first_count` of them); `plan`
    names the requirement each further photo goes to, in order, and `photos` holds them.
    """

    group: str
    first: str
    first_count: int = 1
    first_refused: int = 0
    plan: list[str] = Field(default_factory=list)
    photos: list[AlbumPhoto] = Field(default_factory=list)
    extras: int = 0


class Correction(BaseModel):
    """What an operator asked to correct, as ("field" | "document", key) pairs, and why."""

    items: list[tuple[str, str]]
    note: str | None = None


class FormState(BaseModel):
    """The WhatsApp Flow form offered for a draft (app/flows/form_completion.py).

    `token` is the flow_token sent with it; once submitted, `pending` lists the files the
    locker is still checking ("<requirement>:<image|pdf>") and `problems` what failed, in
    order, as ("field" | "document", key, the line that tells the resident why).
    """

    token: str
    submitted: bool = False
    checked: bool = False  # files were sent to the locker: the answer waits for its verdicts
    pending: list[str] = Field(default_factory=list)
    problems: list[tuple[str, str, str]] = Field(default_factory=list)


class Draft(BaseModel):
    """A request being filled in (or corrected, when `ticket` is set)."""

    id: str = ""
    service: str
    variant: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
    warnings: dict[str, list[str]] = Field(default_factory=dict)
    documents: dict[str, list[str]] = Field(default_factory=dict)
    pages: dict[str, int] = Field(default_factory=dict)
    images_only: dict[str, bool] = Field(default_factory=dict)
    reused: list[str] = Field(default_factory=list)
    declined_reuse: list[str] = Field(default_factory=list)
    done_documents: list[str] = Field(default_factory=list)
    received: list[Received] = Field(default_factory=list)
    album: Album | None = None
    doc: DocProgress | None = None
    last_group: str | None = None
    last_group_key: str | None = None
    last_group_noted: bool = False
    ticket: str | None = None
    correction: Correction | None = None
    derived: dict[str, Any] = Field(default_factory=dict)  # answers filled from a NIK (derived.py)
    region_noted: list[str] = Field(default_factory=list)  # NIKs told to be from another region
    form: FormState | None = None
    recall_done: bool = False  # the reuse of remembered data was offered (or not possible)
    subject: str | None = None  # the remembered subject (key) this draft is about
    delivery: str | None = None  # the way chosen at the summary (delivery_choice.py)
    delivery_default: bool = False  # taken as the usual way: the acceptance says how to change
    delivery_address: str | None = None  # asked for home delivery when no answer is an address


class Feedback(BaseModel):
    """A satisfaction survey or a complaint in progress (app/flows/survey.py)."""

    ticket: str | None = None
    service: str | None = None
    scores: list[int] = Field(default_factory=list)
    text: str | None = None


class ProxyDraft(BaseModel):
    """Someone the resident is naming to collect request `ticket` (app/flows/proxy_pickup.py)."""

    ticket: str
    service: str
    name: str | None = None
    nik: str | None = None


class Session(BaseModel):
    """The whole snapshot."""

    version: int = VERSION
    language: str = "id"
    draft: Draft | None = None
    parked: Draft | None = None
    awaiting: Await | None = None
    resume_to: Await | None = None
    tries: int = 0
    prompts: int = 0  # how many questions were asked so far: the source of `Await.prompt`
    deadline: datetime | None = None
    reminded: bool = False
    handoff: bool = False
    handoff_acked: datetime | None = None  # the last "an officer will answer" note
    handoff_until: datetime | None = None  # an unanswered hand-off returns to the bot then
    held: list[dict[str, Any]] = Field(default_factory=list)
    submitted: dict[str, Draft] = Field(default_factory=dict)
    feedback: Feedback | None = None
    forms_done: list[str] = Field(default_factory=list)  # tokens of forms already taken in
    proxy: ProxyDraft | None = None  # a collector being named, until confirmed or dropped

    @classmethod
    def load(cls, snapshot: dict[str, Any] | None, language: str) -> Session:
        """The session in `snapshot`, or a new one in the resident's language."""
        if not snapshot:
            return cls(language="en" if language == "en" else "id")
        return cls.model_validate(snapshot)

    def dump(self) -> dict[str, Any]:
        """Plain JSON-able data for the caller to store."""
        return self.model_dump(mode="json")

    def remember(self, ticket: str, draft: Draft) -> None:
        """Keep a submitted draft so an operator's correction can be answered later."""
        self.submitted.pop(ticket, None)
        self.submitted[ticket] = draft
        while len(self.submitted) > MAX_REMEMBERED_TICKETS:
            self.submitted.pop(next(iter(self.submitted)))
