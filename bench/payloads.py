"""Signed webhook deliveries as Meta sends them, shared by the webhook benches.

One builder for every bench that posts to `/webhooks/whatsapp`: a text message (or a tapped
reply button) from one resident, in Meta's envelope, and the `X-Hub-Signature-256` Meta computes
with the app secret. The secret and the business number's id are the ones the benches give Loket.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

APP_SECRET = "bench-app-secret"
PHONE_NUMBER_ID = "106540352242922"


def envelope(wa_id: str, name: str, message: dict[str, Any]) -> bytes:
    """One delivery holding `message` from resident `wa_id` (profile `name`), compact JSON."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
        "messages": [message],
    }
    doc = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(doc, separators=(",", ":")).encode()


def text_message(wa_id: str, name: str, wamid: str, text: str) -> bytes:
    """A text message delivery, stamped with the current time as Meta stamps it."""
    message = {
        "from": wa_id,
        "id": wamid,
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": text},
    }
    return envelope(wa_id, name, message)


def resident_wa_id(who: int, prefix: str = "62812") -> str:
    """The WhatsApp id of bench resident number `who` (Indonesian mobile number shape)."""
    return f"{prefix}{who:07d}"


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    """The `X-Hub-Signature-256` header Meta sends with `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed_line(body: bytes) -> bytes:
    """One line of a bodies file for bench/wrk_webhook.lua: signature, tab, body, newline."""
    return sign(body).encode() + b"\t" + body + b"\n"
