"""Pydantic models of Meta's webhook JSON, forgiving by design.

Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components and the
message/status references under https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples

Meta acknowledges nothing we answer except HTTP 200 and re-delivers for up to 7 days, so a body we
cannot fully use must still be acknowledged: the models never reject a scalar they do not
understand (it becomes `None`), lists are validated one item at a time by the parser, and values
no database can hold are cleaned or treated as absent.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

# Column sizes of resident.wa_id / resident.user_id / inbound_event.external_id; PostgreSQL
# enforces them, so a longer value is malformed input, not a reason to fail the whole body.
MAX_WA_ID = 32
MAX_USER_ID = 256
MAX_EXTERNAL_ID = 256
MAX_STATUS = 48  # keeps "s:<wamid>:<status>" within inbound_event.dedup_key (320)
MAX_TEXT = 256
MAX_DEPTH = 32  # Meta's objects nest a few levels; anything deeper is not a real payload
KIND_OTHER = "other"


class MalformedError(ValueError):
    """A part of the body that cannot be stored; it is logged and skipped."""


def _clean_text(value: str) -> str:
    # PostgreSQL text and jsonb cannot hold U+0000, and lone surrogates cannot be encoded as
    # UTF-8; neither occurs in real payloads, but one must not make Meta re-deliver for a week.
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def json_safe(value: Any, depth: int = 0) -> Any:
    """A copy of `value` that every supported database accepts as JSON (raises MalformedError)."""
    if depth > MAX_DEPTH:
        raise MalformedError("nested too deeply")
    if isinstance(value, dict):
        return {_clean_text(str(k)): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v, depth + 1) for v in value]
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float):
        return value
    return _clean_text(str(value))


def _identifier(limit: int) -> BeforeValidator:
    """An id is a non-empty string within `limit` characters; anything else means "absent"."""

    def check(value: Any) -> str | None:
        text = value.strip() if isinstance(value, str) else ""
        if not text or len(text) > limit or _clean_text(text) != text:
            return None
        return text

    return BeforeValidator(check)


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return _clean_text(value.strip())[:MAX_TEXT]


def _timestamp(value: Any) -> datetime | None:
    """Meta sends Unix seconds as a string (sometimes a number); unusable values become None."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value.strip()) if isinstance(value, str) else float(value)
        if not math.isfinite(seconds) or seconds <= 0:
            return None
        return datetime.fromtimestamp(seconds, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _object_or_none(value: Any) -> Any:
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


WaId = Annotated[str | None, _identifier(MAX_WA_ID)]
UserId = Annotated[str | None, _identifier(MAX_USER_ID)]
MessageId = Annotated[str | None, _identifier(MAX_EXTERNAL_ID)]
StatusValue = Annotated[str | None, _identifier(MAX_STATUS)]
Text = Annotated[str | None, BeforeValidator(_text)]
Timestamp = Annotated[datetime | None, BeforeValidator(_timestamp)]
RawList = Annotated[list[Any], BeforeValidator(_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class Profile(_Model):
    """`contacts[].profile`: the name the user set, and a `@username` once Meta rolls them out."""

    name: Text = None
    username: Text = None


class Contact(_Model):
    """`value.contacts[]`: who sent the messages (or received the message a status is about).

    `wa_id` may be an empty string for a user with a username; `user_id` is the business-scoped
    user id (BSUID). https://developers.facebook.com/docs/whatsapp/business-scoped-user-ids
    """

    profile: Annotated[Profile | None, BeforeValidator(_object_or_none)] = None
    wa_id: WaId = None
    user_id: UserId = None
    parent_user_id: UserId = None


class Metadata(_Model):
    """`value.metadata`: which business number the change belongs to."""

    display_phone_number: Text = None
    phone_number_id: Text = None


class WebhookError(_Model):
    """An error object (`value.errors[]`, `messages[].errors[]`, `statuses[].errors[]`).

    https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
    """

    code: Annotated[int | None, BeforeValidator(lambda v: v if type(v) is int else None)] = None
    title: Text = None
    message: Text = None


class Message(_Model):
    """`value.messages[]`: one message a user sent. Only the fields Loket routes on are typed;
    the whole raw object is kept for the worker (text, media, interactive, location, …).

    https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#messages-object
    """

    id: MessageId = None
    from_: WaId = Field(None, alias="from")
    from_user_id: UserId = None
    from_parent_user_id: UserId = None
    timestamp: Timestamp = None
    type: Text = None
    group_id: Text = None
    errors: RawList = Field(default_factory=list)


class Status(_Model):
    """`value.statuses[]`: sent / delivered / read / played / failed for a message we sent.

    https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/reference/messages/status
    """

    id: MessageId = None
    status: StatusValue = None
    timestamp: Timestamp = None
    recipient_id: WaId = None
    recipient_user_id: UserId = None
    parent_recipient_user_id: UserId = None
    recipient_type: Text = None
    errors: RawList = Field(default_factory=list)


class ChangeValue(_Model):
    """`entry[].changes[].value` of the `messages` field. Lists stay raw here and are validated
    one item at a time, so one malformed message cannot hide the others."""

    messaging_product: Text = None
    metadata: Annotated[Metadata | None, BeforeValidator(_object_or_none)] = None
    contacts: RawList = Field(default_factory=list)
    messages: RawList = Field(default_factory=list)
    statuses: RawList = Field(default_factory=list)
    errors: RawList = Field(default_factory=list)


class Change(_Model):
    """`entry[].changes[]`: `field` names the subscription (only `messages` is handled)."""

    field: Text = None
    value: Annotated[dict[str, Any] | None, BeforeValidator(_object_or_none)] = None


class Entry(_Model):
    """`entry[]`: one WhatsApp Business Account (`id`) and its changes."""

    id: Text = None
    changes: RawList = Field(default_factory=list)


class WebhookBody(_Model):
    """The POST body: `{"object": "whatsapp_business_account", "entry": [...]}`."""

    object: Text = None
    entry: RawList = Field(default_factory=list)
