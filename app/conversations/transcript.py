"""A resident's chat as text an operator reads: what they wrote and what Loket sent them.

Inbound payloads and outbox bodies are stored as Meta's JSON; this module turns each into a
`ChatLine` (templates filled in as the resident read them, media as its kind), and hides the
one-time pickup code: an operator who could read it in the chat could complete a pickup without
the resident (the code is the resident's proof of presence).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from app.inbox.models import InboundEvent
from app.notifications.catalog import template_named
from app.outbox.models import OutboundMessage

PICKUP_TEMPLATE = "loket_siap_diambil"
PICKUP_ORIGIN = "status:ready_for_pickup"
CODE_MASK = "••••••"
# The pickup code is six digits (app.requests.lifecycle), also when typed as "123 456"; digits
# inside a word or a ticket (KTP-261122-0042) are not a code.
_CODE = re.compile(r"(?<![\w-])(\d{3}) ?(\d{3})(?![\w-])")
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class ChatLine:
    """One message, either way.

    `media` is the kind of a photo, file, voice note... (`image`, `document`, `audio`...), with
    `text` its caption, if any. `event_id` is the inbound event; `caused_by` the inbound event an
    outbound reply answers. `received_at` orders a message among Loket's state changes.
    """

    at: datetime
    inbound: bool
    text: str
    media: str | None = None
    event_id: int | None = None
    caused_by: int | None = None
    received_at: datetime | None = None

    @property
    def moment(self) -> datetime:
        """When Loket took the message in (inbound) or wrote it (outbound)."""
        return self.received_at or self.at


def _template_text(body: dict[str, Any], language: str) -> str:
    spec = body.get("template") or {}
    name = str(spec.get("name") or "")
    params: list[str] = []
    for component in spec.get("components") or []:
        if component.get("type") == "body":
            params = [str(p.get("text", "")) for p in component.get("parameters") or []]
    template = template_named(name)
    if template is None:
        return " · ".join(params)
    if name == PICKUP_TEMPLATE and "code" in template.params:
        at = template.params.index("code")
        params = [CODE_MASK if i == at else p for i, p in enumerate(params)]
    texts = template.languages.get(language) or template.languages.get("id") or {}
    pattern = str(texts.get("body") or "")

    def fill(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return params[index] if 0 <= index < len(params) else match.group(0)

    return _PLACEHOLDER.sub(fill, pattern)


def outbound_line(row: OutboundMessage, language: str) -> ChatLine | None:
    """What the resident read in one outbox row; None for read receipts and typing signals."""
    body = row.body
    kind = body.get("type")
    media: str | None = None
    if kind == "text":
        text = str((body.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        text = str(((body.get("interactive") or {}).get("body") or {}).get("text") or "")
    elif kind == "template":
        text = _template_text(body, language)
    elif kind in {"document", "image"}:
        attached = body.get(str(kind)) or {}
        text, media = str(attached.get("caption") or attached.get("filename") or ""), str(kind)
    else:
        return None
    if row.origin is not None and row.origin.endswith(PICKUP_ORIGIN):
        text = _CODE.sub(CODE_MASK, text)  # the pickup notice: every six-digit number is the code
    return ChatLine(
        row.created_at, False, text, media, caused_by=row.caused_by_event_id, received_at=None
    )


# What an operator reads for a WhatsApp Flow form the resident submitted.
FORM_SUBMITTED = "📋 Formulir dikirim"


def inbound_line(event: InboundEvent) -> ChatLine:
    """What the resident sent: typed text, the title of a tap, or a file's kind and caption."""
    message = event.payload.get("message") or {}
    kind = str(message.get("type") or "")
    media: str | None = None
    if kind == "text":
        text = str((message.get("text") or {}).get("body") or "")
    elif kind == "interactive":
        reply = message.get("interactive") or {}
        chosen = reply.get("button_reply") or reply.get("list_reply") or {}
        text = str(chosen.get("title") or chosen.get("id") or "")
        if reply.get("type") == "nfm_reply":  # a submitted form: its answers are in the request
            text = FORM_SUBMITTED
    elif kind == "button":
        text = str((message.get("button") or {}).get("text") or "")
    else:
        attached = message.get(kind) if kind else None
        caption = attached.get("caption") if isinstance(attached, dict) else None
        text, media = str(caption or ""), kind or "unknown"
    at = event.occurred_at or event.received_at
    return ChatLine(at, True, text, media, event_id=event.id, received_at=event.received_at)


def mask_codes(line: ChatLine, is_code: Callable[[str], bool]) -> ChatLine:
    """`line` with every six-digit number that `is_code` recognises replaced by dots.

    This catches the code wherever it appears (a resident who types it back, a message written
    before the notice had its own origin), not only in the pickup notice itself.
    """

    def hide(match: re.Match[str]) -> str:
        return CODE_MASK if is_code(match.group(1) + match.group(2)) else match.group(0)

    masked = _CODE.sub(hide, line.text)
    return line if masked == line.text else replace(line, text=masked)
