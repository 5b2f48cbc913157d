"""The operator API's request and response bodies (contract §5), as they appear in /openapi.json."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.requests.status import RequestStatus

# The largest id PostgreSQL's BIGINT holds; larger numbers cannot name a row.
MAX_ID = 2**63 - 1


def storable_text(value: str) -> str:
    """Refuse text a database cannot store: NUL characters and unpaired surrogates."""
    if "\x00" in value:
        raise ValueError("text may not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text is not valid Unicode") from None
    return value


def not_blank(value: str) -> str:
    """Refuse text that is only whitespace."""
    if not value.strip():
        raise ValueError("text is empty")
    return value


StorableText = Annotated[str, AfterValidator(storable_text)]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class LocalTextOut(_Out):
    """A text in Indonesian (`id`) and English (`en`)."""

    id: str
    en: str


class VariantOut(_Out):
    code: str
    title: LocalTextOut


class FieldOut(_Out):
    """A question the resident answers; `validator` says what kind of answer (nik, date, ...)."""

    key: str
    label: LocalTextOut
    validator: str
    required: bool


class RequirementOut(_Out):
    """A document the service needs: accepted `kinds` (image, pdf), `min` and `max` files."""

    key: str
    label: LocalTextOut
    kinds: list[str]
    min: int
    max: int


class ServiceOut(_Out):
    code: str
    name: LocalTextOut
    variants: list[VariantOut]
    fields: list[FieldOut]
    documents: list[RequirementOut]


class ResidentOut(_Out):
    wa_id: str | None
    user_id: str | None
    name: str | None


class CourierOut(_Out):
    """Who delivers a request sent `out_for_delivery`: a name, a tracking number, or both."""

    name: str | None
    tracking: str | None


class DocumentOut(_Out):
    """A file attached to the request; download it at `/api/v1/documents/{id}/content`."""

    id: int
    requirement: str
    mime_type: str | None
    size: int | None
    sha256: str | None
    status: str


class HistoryEntryOut(_Out):
    """One change of status; with `from` and `to` empty, an entry of the `kind` named."""

    model_config = ConfigDict(populate_by_name=True)

    at: datetime
    actor: str
    from_: str | None = Field(alias="from")
    to: str | None
    note: str | None
    kind: str | None = Field(
        None,
        description="for entries without a status change: message, note, assigned, precheck, "
        "forwarded, pickup_reminder, proxy or delivery (the resident changed how it reaches them)",
    )


class CollectorOut(_Out):
    """The family member (same KK) the resident named in the chat to collect the result."""

    name: str
    nik: str | None = Field(description="masked in lists, in full for one request")


class RequestSummaryOut(_Out):
    """A request as listed: everything but the history. NIK and KK numbers are masked in lists,
    and so are the answers an NIK encodes (birth date, sex): `****-**-**` or `***`."""

    ticket: str
    service: str
    variant: str | None
    status: str
    resident: ResidentOut
    fields: dict[str, Any]
    warnings: list[str]
    documents: list[DocumentOut]
    office: str | None = Field(description="the code of the office handling the request")
    channel: str = Field(description="whatsapp, or counter for a request taken at an office")
    delivery: Literal["pickup", "digital", "home"] = Field(
        description="how the result reaches the resident: collected at the office, the issued "
        "PDF sent in the chat, or brought home by a courier (the resident's choice)"
    )
    assigned_to: str | None = Field(description="the username of the operator holding it")
    courier: CourierOut | None = Field(
        None, description="who delivers it, once sent out for delivery; null otherwise"
    )
    due_date: date | None
    submitted_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    collector: CollectorOut | None = Field(
        None, description="who may collect instead of the resident; null: the resident"
    )


class IssuedOut(_Out):
    """The document issued for the request: what the resident holds can be checked against it."""

    verification_code: str = Field(description="shown on the public page `/v/<code>`")
    sha256: str = Field(description="of the file exactly as issued (after Loket signed it)")
    issued_at: datetime
    signed_by: str = Field(description="loket (signed here), office (signed before) or none")


class RequestOut(RequestSummaryOut):
    """One request, with its whole history; NIK and KK numbers are shown in full."""

    history: list[HistoryEntryOut]
    issued: IssuedOut | None = Field(None, description="null until a document is issued")


class RequestPageOut(BaseModel):
    items: list[RequestSummaryOut]
    next_cursor: str | None = Field(
        description="pass as `cursor` for the next page; null at the end"
    )


class PickupIn(BaseModel):
    """Where and when to collect; overrides the office's address and hours."""

    model_config = ConfigDict(extra="forbid")

    place: Annotated[StorableText, Field(min_length=1, max_length=500)] | None = None
    hours: Annotated[StorableText, Field(min_length=1, max_length=200)] | None = None


class CourierIn(BaseModel):
    """Who delivers (`out_for_delivery`): the courier's name, a tracking number, or both."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[StorableText, Field(max_length=200)] | None = None
    tracking: Annotated[StorableText, Field(max_length=100)] | None = None


class TransitionIn(BaseModel):
    """Move a request: `documents` (ids) and `fields` (keys) name what `needs_correction` asks
    for; `note` is sent to the resident with the status message (for `rejected` it is the reason,
    and required); `code` is the resident's one-time code (pickup, or given to the courier);
    `courier` names who delivers, required for `out_for_delivery`."""

    model_config = ConfigDict(extra="forbid")

    to: RequestStatus
    note: Annotated[StorableText, Field(max_length=2000)] | None = None
    documents: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(default=[], max_length=50)
    fields: list[Annotated[StorableText, Field(min_length=1, max_length=64)]] = Field(
        default=[], max_length=50
    )
    pickup: PickupIn | None = None
    code: Annotated[StorableText, Field(min_length=1, max_length=32)] | None = None
    courier: CourierIn | None = None
    collected_by: Literal["resident", "proxy"] | None = Field(
        None, description="who collected a pickup: the resident, or the `collector` they named"
    )


class MessageIn(BaseModel):
    """A free-text reply to the resident."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[StorableText, AfterValidator(not_blank), Field(min_length=1, max_length=4096)]


class MessageOut(BaseModel):
    """`sent`: queued as a WhatsApp message; `template`: queued as an approved template;
    `held`: kept until it may be sent."""

    ticket: str
    outcome: Literal["sent", "template", "held"]


class ErrorOut(BaseModel):
    """Why the call failed."""

    detail: str
