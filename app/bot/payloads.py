"""Meta's webhook JSON, and its translation into channel-agnostic inbound updates.

Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components and
https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples .

Meta treats any answer but HTTP 200 as a failure and re-delivers for up to 7 days, so a body we
cannot fully use must still be acknowledged: the models (`webhook_models`) never reject a scalar
they do not understand, lists are validated one item at a time here, and anything malformed is
logged and skipped rather than raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel, ValidationError

from app.bot.webhook_models import (
    KIND_OTHER,
    Change,
    ChangeValue,
    Contact,
    Entry,
    MalformedError,
    Message,
    Status,
    WebhookBody,
    WebhookError,
    json_safe,
)
from app.inbox.models import KIND_MESSAGE, KIND_STATUS
from app.observability import WEBHOOK_UPDATES

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class InboundUpdate:
    """One thing that happened, independent of Meta's envelope: a message or a delivery status.

    `payload` is what the worker reads: `{"message", "contact", "phone_number_id"}` for a message,
    `{"status", "phone_number_id"}` for a status (raw Meta objects, made JSON-safe).
    """

    kind: str
    dedup_key: str
    external_id: str
    user_id: str | None
    wa_id: str | None
    profile_name: str | None
    username: str | None
    occurred_at: datetime | None
    payload: dict[str, Any] = field(compare=False, repr=False)

    @property
    def identity(self) -> tuple[str | None, str | None]:
        """`(user_id, wa_id)`: the key `resolve_residents` maps to a resident id."""
        return (self.user_id, self.wa_id)


@dataclass
class ParsedWebhook:
    """The updates of one body, and how many parts were acknowledged but ignored, by kind."""

    updates: list[InboundUpdate] = field(default_factory=list)
    ignored: dict[str, int] = field(default_factory=dict)

    def ignore(self, kind: str, reason: str, **context: Any) -> None:
        self.ignored[kind] = self.ignored.get(kind, 0) + 1
        WEBHOOK_UPDATES.labels(kind=kind, result="ignored").inc()
        log.info("webhook update ignored", kind=kind, reason=reason, **context)


_M = TypeVar("_M", bound=BaseModel)
_Sender = tuple[Contact, dict[str, Any]]


def parse_updates(doc: Any, *, phone_number_id: str | None) -> list[InboundUpdate]:
    """The updates in a decoded webhook body (see `parse_webhook`); never raises."""
    return parse_webhook(doc, phone_number_id=phone_number_id).updates


def parse_webhook(doc: Any, *, phone_number_id: str | None) -> ParsedWebhook:
    """Walk `entry[] × changes[]` of a decoded body and collect its updates. Never raises.

    Only the `messages` field is handled. When `phone_number_id` is given (live mode), changes for
    other business numbers are ignored; in sandbox mode (None) any number is accepted. Group
    conversations are ignored too: Loket is a one-to-one counter and never sends to groups.
    """
    result = ParsedWebhook()
    body = _validate(WebhookBody, doc)
    if body is None or body.object not in (None, "whatsapp_business_account"):
        result.ignore(KIND_OTHER, "not a WhatsApp Business Account body")
        return result
    for raw_entry in body.entry:
        entry = _validate(Entry, raw_entry)
        for raw_change in entry.changes if entry is not None else [None]:
            change = _validate(Change, raw_change)
            value = _validate(ChangeValue, change.value) if change is not None else None
            if change is None or value is None:
                result.ignore(KIND_OTHER, "malformed entry or change")
            elif change.field != "messages":
                result.ignore(KIND_OTHER, "field not handled", field=change.field)
            else:
                _walk_value(value, phone_number_id, result)
    return result


def _walk_value(value: ChangeValue, phone_number_id: str | None, result: ParsedWebhook) -> None:
    number = value.metadata.phone_number_id if value.metadata is not None else None
    if phone_number_id is not None and number != phone_number_id:
        for kind, items in ((KIND_MESSAGE, value.messages), (KIND_STATUS, value.statuses)):
            for _ in items:
                result.ignore(kind, "another business number", phone_number_id=number)
        return
    for error in _errors(value.errors):  # account-level problems, e.g. 130429 rate limit hit
        log.warning("webhook reports an error", code=error.code, title=error.title)
    senders: list[_Sender] = []
    for raw_contact in value.contacts:
        contact = _validate(Contact, raw_contact)
        if contact is not None:
            senders.append((contact, raw_contact))
    only_message = len(value.messages) == 1
    for raw in value.messages:
        _add_message(raw, senders, only_message, number, result)
    for raw in value.statuses:
        _add_status(raw, senders, number, result)


def _add_message(
    raw: Any, senders: list[_Sender], only_message: bool, number: str | None, result: ParsedWebhook
) -> None:
    message = _validate(Message, raw)
    if message is None or message.id is None:
        return result.ignore(KIND_MESSAGE, "malformed message")
    if message.group_id is not None:
        return result.ignore(KIND_MESSAGE, "group conversation", wamid=message.id)
    sender = _sender_of(message, senders, only_message)
    contact = sender[0] if sender else None
    user_id = message.from_user_id or (contact.user_id if contact else None)
    wa_id = message.from_ or (contact.wa_id if contact else None)
    if user_id is None and wa_id is None:
        return result.ignore(KIND_MESSAGE, "no sender id", wamid=message.id)
    for error in _errors(message.errors):  # e.g. 131051 unsupported type: the engine re-prompts
        log.info("message carries an error", wamid=message.id, code=error.code)
    try:
        contact_json = json_safe(sender[1]) if sender else None
        payload = {"message": json_safe(raw), "contact": contact_json, "phone_number_id": number}
    except MalformedError:
        return result.ignore(KIND_MESSAGE, "nested too deeply", wamid=message.id)
    key = f"m:{message.id}"
    result.updates.append(
        _update(KIND_MESSAGE, key, message.id, user_id, wa_id, contact, message.timestamp, payload)
    )


def _add_status(
    raw: Any, senders: list[_Sender], number: str | None, result: ParsedWebhook
) -> None:
    status = _validate(Status, raw)
    if status is None or status.id is None or status.status is None:
        return result.ignore(KIND_STATUS, "malformed status")
    if status.recipient_type == "group":
        return result.ignore(KIND_STATUS, "group conversation", wamid=status.id)
    sender = _match(senders, status.recipient_user_id, status.recipient_id)
    contact = sender[0] if sender else None
    user_id = status.recipient_user_id or (contact.user_id if contact else None)
    wa_id = status.recipient_id or (contact.wa_id if contact else None)
    if user_id is None and wa_id is None:
        return result.ignore(KIND_STATUS, "no recipient id", wamid=status.id)
    for error in _errors(status.errors):
        log.warning("message not delivered", wamid=status.id, code=error.code, title=error.title)
    try:
        payload = {"status": json_safe(raw), "phone_number_id": number}
    except MalformedError:
        return result.ignore(KIND_STATUS, "nested too deeply", wamid=status.id)
    key = f"s:{status.id}:{status.status}"
    result.updates.append(
        _update(KIND_STATUS, key, status.id, user_id, wa_id, contact, status.timestamp, payload)
    )


def _update(
    kind: str,
    dedup_key: str,
    external_id: str,
    user_id: str | None,
    wa_id: str | None,
    contact: Contact | None,
    occurred_at: datetime | None,
    payload: dict[str, Any],
) -> InboundUpdate:
    profile = contact.profile if contact is not None else None
    return InboundUpdate(
        kind=kind,
        dedup_key=dedup_key,
        external_id=external_id,
        user_id=user_id,
        wa_id=wa_id,
        profile_name=profile.name if profile is not None else None,
        username=profile.username if profile is not None else None,
        occurred_at=occurred_at,
        payload=payload,
    )


def _errors(raw_errors: list[Any]) -> list[WebhookError]:
    return [e for e in (_validate(WebhookError, raw) for raw in raw_errors) if e is not None]


def _match(senders: list[_Sender], user_id: str | None, wa_id: str | None) -> _Sender | None:
    """The contact with the same BSUID, else the same phone number without a different BSUID."""
    for sender in senders:
        if user_id is not None and sender[0].user_id == user_id:
            return sender
    for sender in senders:
        contact = sender[0]
        conflict = user_id is not None and contact.user_id not in (None, user_id)
        if wa_id is not None and contact.wa_id == wa_id and not conflict:
            return sender
    return None


def _sender_of(message: Message, senders: list[_Sender], only_message: bool) -> _Sender | None:
    sender = _match(senders, message.from_user_id, message.from_)
    if sender is None and only_message and len(senders) == 1:
        # Meta documents that `wa_id` and `from` may differ (number formats): a body with one
        # message and one contact describes its sender, unless the BSUIDs contradict that.
        contact = senders[0][0]
        if message.from_user_id is None or contact.user_id in (None, message.from_user_id):
            sender = senders[0]
    return sender


def _validate(model: type[_M], raw: Any) -> _M | None:
    if not isinstance(raw, dict):
        return None
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None
