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


class Correction(BaseModel):
    """What an operator asked to correct, as ("field" | "document", key) pairs, and why."""

    items: list[tuple[str, str]]
    note: str | None = None


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
    doc: DocProgress | None = None
    last_group: str | None = None
    last_group_key: str | None = None
    last_group_noted: bool = False
    ticket: str | None = None
    correction: Correction | None = None


class Feedback(BaseModel):
    """A satisfaction survey or a complaint in progress (app/flows/survey.py)."""

    ticket: str | None = None
    service: str | None = None
    scores: list[int] = Field(default_factory=list)
    text: str | None = None


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
    held: list[dict[str, Any]] = Field(default_factory=list)
    submitted: dict[str, Draft] = Field(default_factory=dict)
    feedback: Feedback | None = None

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
