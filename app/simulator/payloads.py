"""What a resident's phone makes WhatsApp send: webhook bodies of Meta's exact shape.

Each builder returns one `value.messages[]` object without its envelope fields (`from`, `id`,
`timestamp`); `webhook_body` stamps them and wraps one or more messages (an album is several image
messages in one delivery) in the `entry[].changes[].value` envelope a live webhook has.
Shapes: https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from app.bot.sandbox_media import StoredMedia

SANDBOX_PHONE_NUMBER_ID = "sandbox"
# The business number as the sandbox shows it; it is `context.from` of a reply, as live.
SANDBOX_DISPLAY_NUMBER = "628000000000"


def new_wamid() -> str:
    """A message id in WhatsApp's style, unique to this simulated message."""
    return f"wamid.SIM{uuid.uuid4().hex.upper()}"


def text_message(body: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": body}}


def reply_message(kind: str, reply_id: str, title: str, context_id: str | None) -> dict[str, Any]:
    """A tap on a reply button (`button_reply`) or a list row (`list_reply`)."""
    message: dict[str, Any] = {
        "type": "interactive",
        "interactive": {"type": kind, kind: {"id": reply_id, "title": title}},
    }
    return _with_context(message, context_id)


def template_button_message(payload: str, text: str, context_id: str | None) -> dict[str, Any]:
    """A tap on a template's quick-reply button: Meta sends it as a `button` message."""
    message = {"type": "button", "button": {"payload": payload, "text": text}}
    return _with_context(message, context_id)


def location_message(
    latitude: float, longitude: float, name: str | None, address: str | None
) -> dict[str, Any]:
    location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if name:
        location["name"] = name
    if address:
        location["address"] = address
    return {"type": "location", "location": location}


def media_message(media: StoredMedia, caption: str | None = None) -> dict[str, Any]:
    """An image, document, video or voice note, by the media id the store gave the upload."""
    content: dict[str, Any] = {}
    if caption and media.message_type in ("image", "document", "video"):
        content["caption"] = caption
    if media.message_type == "document":
        content["filename"] = media.filename or "dokumen"
    content["mime_type"] = media.mime_type
    content["sha256"] = media.sha256_base64
    content["id"] = media.media_id
    if media.message_type == "audio":
        content["voice"] = True
    return {"type": media.message_type, media.message_type: content}


def picked_file(media: StoredMedia) -> dict[str, Any]:
    """A file picked in a Flow as `response_json` carries it: the media id the store gave it,
    with the name, type and base64 SHA-256 (reference whatsapp-flows.md §2.9, §6.6)."""
    return {
        "file_name": media.filename or media.media_id,
        "mime_type": media.mime_type,
        "sha256": media.sha256_base64,
        "id": media.media_id,
    }


def nfm_reply_message(flow_token: str, values: dict[str, Any], context_id: str) -> dict[str, Any]:
    """A completed Flow: `response_json` is a JSON *string* of the `complete` payload with the
    `flow_token`, and `context.id` names the message that carried the Flow (§4.1)."""
    response = json.dumps({"flow_token": flow_token, **values}, ensure_ascii=False)
    message = {
        "type": "interactive",
        "interactive": {
            "type": "nfm_reply",
            "nfm_reply": {"name": "flow", "body": "Sent", "response_json": response},
        },
    }
    return _with_context(message, context_id)


def webhook_body(wa_id: str, name: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The delivery Meta would POST for `messages` from `wa_id`; each message gets a new wamid."""
    stamp = str(int(time.time()))
    stamped = [{"from": wa_id, "id": new_wamid(), "timestamp": stamp, **m} for m in messages]
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": SANDBOX_DISPLAY_NUMBER,
            "phone_number_id": SANDBOX_PHONE_NUMBER_ID,
        },
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": stamped,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "sandbox", "changes": [{"field": "messages", "value": value}]}],
    }


def status_body(wa_id: str, wamid: str, status: str) -> dict[str, Any]:
    """The status webhook Meta POSTs when message `wamid` reached (or was read on) the phone."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": SANDBOX_DISPLAY_NUMBER,
            "phone_number_id": SANDBOX_PHONE_NUMBER_ID,
        },
        "statuses": [
            {
                "id": wamid,
                "status": status,
                "timestamp": str(int(time.time())),
                "recipient_id": wa_id,
            }
        ],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "sandbox", "changes": [{"field": "messages", "value": value}]}],
    }


def wamids(body: dict[str, Any]) -> list[str]:
    """The message ids of a body from `webhook_body`, in order."""
    value = body["entry"][0]["changes"][0]["value"]
    return [str(m["id"]) for m in value["messages"]]


def _with_context(message: dict[str, Any], context_id: str | None) -> dict[str, Any]:
    # WhatsApp names the message a reply answers; Loket reads a tap against it (contract §8).
    if context_id:
        return {"context": {"from": SANDBOX_DISPLAY_NUMBER, "id": context_id}, **message}
    return message
