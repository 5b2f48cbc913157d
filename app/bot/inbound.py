"""Translate a stored Meta message object into the engine's channel-agnostic input.

Nothing past `app/bot` sees Meta's JSON shapes: the conversation layer reads the inbox payload
through `to_engine_input` only.
"""

from __future__ import annotations

import json
from typing import Any

from app.bot.client import normalise_sha256
from app.flows.inputs import (
    ChoiceInput,
    FormSubmitted,
    LocationInput,
    MediaInput,
    ResidentInput,
    TextInput,
    UnsupportedInput,
)

_MEDIA_KINDS = {"image", "document", "video", "audio", "sticker"}


def to_engine_input(message: dict[str, Any]) -> ResidentInput | FormSubmitted:
    """The engine input for one message object of a webhook (`value.messages[]`)."""
    kind = str(message.get("type") or "unknown")
    if kind == "text":
        return TextInput(text=str(_obj(message, "text").get("body") or ""))
    if kind == "interactive":
        return _interactive(_obj(message, "interactive"))
    if kind == "button":  # a quick-reply button of a template message
        button = _obj(message, "button")
        return ChoiceInput(
            id=str(button.get("payload") or button.get("text") or ""),
            title=str(button.get("text") or ""),
        )
    if kind in _MEDIA_KINDS:
        media = _obj(message, kind)
        if not media.get("id"):
            return UnsupportedInput(kind=kind)
        if kind == "audio" and media.get("voice"):
            return UnsupportedInput(kind="voice")
        return MediaInput(
            kind=kind,  # type: ignore[arg-type]
            media_id=str(media["id"]),
            mime_type=str(media.get("mime_type") or "application/octet-stream"),
            sha256=normalise_sha256(media.get("sha256")),  # hex, as the locker hashes
            caption=_optional(media.get("caption")),
            filename=_optional(media.get("filename")),
        )
    if kind == "location":
        location = _obj(message, "location")
        try:
            return LocationInput(
                latitude=float(location["latitude"]),
                longitude=float(location["longitude"]),
                name=_optional(location.get("name")),
                address=_optional(location.get("address")),
            )
        except (KeyError, TypeError, ValueError):
            return UnsupportedInput(kind="location")
    return UnsupportedInput(kind=kind)


def reply_context(message: dict[str, Any]) -> str | None:
    """The wamid of our message this one answers (`context.id`), when WhatsApp names it.

    Button and list replies always carry it; a typed reply carries it only when the resident
    quoted a message. Forwarded messages carry a `context` without an id.
    """
    context = _obj(message, "context")
    wamid = context.get("id")
    return wamid if isinstance(wamid, str) and wamid else None


def is_reaction(message: dict[str, Any]) -> bool:
    """Reactions and un-reactions: the resident did not write anything new."""
    return message.get("type") == "reaction"


def _interactive(interactive: dict[str, Any]) -> ResidentInput | FormSubmitted:
    sub = str(interactive.get("type") or "")
    if sub in ("button_reply", "list_reply"):
        reply = interactive.get(sub)
        if isinstance(reply, dict) and reply.get("id"):
            return ChoiceInput(id=str(reply["id"]), title=str(reply.get("title") or ""))
    if sub == "nfm_reply":
        return _form_completion(_obj(interactive, "nfm_reply"))
    return UnsupportedInput(kind=f"interactive:{sub or 'unknown'}")


def _form_completion(reply: dict[str, Any]) -> ResidentInput | FormSubmitted:
    """A Flow's completion (reference §4.1): `response_json` is a JSON *string* to parse.

    `nfm_reply` also carries other native replies (`name: "address_message"`): only a `flow`
    one is a form. The token is taken out of the payload (the caller adds the one named by
    `context.id`); picker files keep their shape, with Meta's base64 SHA-256 as hex.
    """
    if reply.get("name") != "flow":
        return UnsupportedInput(kind=f"interactive:nfm_reply:{reply.get('name') or 'unknown'}")
    raw = reply.get("response_json")
    try:
        payload = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        return UnsupportedInput(kind="interactive:nfm_reply")
    token = payload.pop("flow_token", None)
    return FormSubmitted(
        payload={key: _files_hex(value) for key, value in payload.items()},
        flow_token=token if isinstance(token, str) and token else None,
    )


def _files_hex(value: Any) -> Any:
    """A picker's files (`[{file_name, mime_type, sha256, id}]`) with their hash as hex."""
    if not isinstance(value, list):
        return value
    return [
        {**item, "sha256": normalise_sha256(item.get("sha256"))}
        if isinstance(item, dict) and "sha256" in item
        else item
        for item in value
    ]


def _obj(message: dict[str, Any], key: str) -> dict[str, Any]:
    value = message.get(key)
    return value if isinstance(value, dict) else {}


def _optional(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
