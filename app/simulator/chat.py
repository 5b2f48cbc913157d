"""A resident's phone screen, rebuilt from the database: what they sent and what reached them.

The inbox holds every message the resident sent, the outbox every message Loket sent (with the
wamid the sink gave it, which a button reply names as `context.id`), so the chat survives a
page reload and a server restart, and two tabs show the same thing. Templates are rendered as
the resident reads them: the approved text with its parameters filled in, and the buttons.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.messages import is_status_body
from app.db import utcnow
from app.inbox.models import InboundEvent
from app.notifications.catalog import template_named, templates
from app.outbox.models import OutboundMessage
from app.simulator import repository
from app.simulator.template_flows import flow_button

# WhatsApp shows "typing…" for up to 25 s, or until the reply arrives.
TYPING_SECONDS = 25
_PLACEHOLDER = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class Chat:
    """One phone's screen; `version` changes whenever anything on it does."""

    wa_id: str
    name: str | None
    items: list[dict[str, Any]]
    typing: bool
    version: str

    def as_json(self) -> dict[str, Any]:
        return {
            "wa_id": self.wa_id,
            "name": self.name,
            "items": self.items,
            "typing": self.typing,
            "version": self.version,
        }


async def load_chat(session: AsyncSession, wa_id: str, *, now: datetime | None = None) -> Chat:
    """The conversation of the resident with this phone number (empty for a new number)."""
    resident = await repository.resident_by_wa_id(session, wa_id)
    if resident is None:
        return _chat(wa_id, None, [], typing=False)
    inbound = await repository.inbound_messages(session, resident.id)
    outbound = await repository.sent_messages(session, resident.id)
    messages = [row for row in outbound if not is_status_body(row.body)]
    receipts = [row for row in outbound if is_status_body(row.body)]
    read = _read_up_to(inbound, receipts)
    timeline = [(e.received_at, 0, e.id, _inbound_item(e, e.id <= read)) for e in inbound]
    timeline += [(r.sent_at or r.created_at, 1, r.id, _outbound_item(r)) for r in messages]
    timeline.sort(key=lambda entry: entry[:3])
    # Each side is cut at its newest rows: show only the span that both sides cover in full.
    cuts = []
    if len(inbound) == repository.INBOUND_LIMIT:
        cuts.append(inbound[0].received_at)
    if len(outbound) == repository.OUTBOUND_LIMIT:
        cuts.append(outbound[0].sent_at or outbound[0].created_at)
    items = [entry[3] for entry in timeline if not cuts or entry[0] >= max(cuts)]
    return _chat(wa_id, resident.name, items, typing=_typing(outbound, now or utcnow()))


def _chat(wa_id: str, name: str | None, items: list[dict[str, Any]], *, typing: bool) -> Chat:
    fingerprint = json.dumps([name, typing, items], sort_keys=True, default=str)
    version = hashlib.sha256(fingerprint.encode()).hexdigest()[:20]
    return Chat(wa_id, name, items, typing, version)


def _read_up_to(inbound: list[InboundEvent], receipts: list[OutboundMessage]) -> int:
    """The id of the newest message marked read: WhatsApp marks it and every earlier one read."""
    read_wamids = {str(row.body.get("message_id")) for row in receipts}
    return max((e.id for e in inbound if e.external_id in read_wamids), default=0)


def _typing(outbound: list[OutboundMessage], now: datetime) -> bool:
    if not outbound or outbound[-1].kind != "typing" or outbound[-1].sent_at is None:
        return False
    return now - outbound[-1].sent_at < timedelta(seconds=TYPING_SECONDS)


def _inbound_item(event: InboundEvent, read: bool) -> dict[str, Any]:
    message = dict(event.payload.get("message") or {})
    status = "read" if read else ("delivered" if event.processed_at else "sent")
    return {
        "key": f"in:{event.external_id}",
        "from": "me",
        "at": event.received_at.isoformat(),
        "wamid": event.external_id,
        "status": status,
        "message": message,
    }


def _outbound_item(row: OutboundMessage) -> dict[str, Any]:
    body = {k: v for k, v in row.body.items() if k not in ("to", "recipient")}
    item: dict[str, Any] = {
        "key": f"out:{row.id}",
        "from": "bot",
        "at": (row.sent_at or row.created_at).isoformat(),
        "wamid": row.wamid,
        "message": body,
    }
    if body.get("type") == "template":
        item["template"] = template_view(body)
    return item


def template_view(body: dict[str, Any]) -> dict[str, Any]:
    """A template as the resident's phone shows it: header, body with its parameters, footer,
    and the quick-reply buttons (their titles, and the payload a tap sends back)."""
    spec = body.get("template") or {}
    name = str(spec.get("name") or "")
    code = str((spec.get("language") or {}).get("code") or "id")
    params: dict[str, list[str]] = {"header": [], "body": []}
    payloads: list[str] = []
    for component in spec.get("components") or []:
        kind = str(component.get("type") or "")
        parameters = component.get("parameters") or []
        values = [str(p.get("text") or p.get("payload") or "") for p in parameters]
        if kind in params:
            params[kind] = values
        elif kind == "button" and component.get("sub_type") == "quick_reply":
            payloads.extend(values)
    # A form template's per-service copy (loket_formulir_ktp) has its base's words.
    template = templates().get(name) or template_named(name)
    if template is None:
        return {
            "name": name,
            "header": None,
            "body": f"[{name}] " + " · ".join(params["body"]),
            "footer": None,
            "buttons": [{"title": p, "payload": p} for p in payloads],
        }
    texts = template.languages.get(code) or template.languages.get("id") or {}
    button_title = str(texts.get("button") or "")
    view: dict[str, Any] = {
        "name": name,
        "header": _fill(texts.get("header"), params["header"]),
        "body": _fill(texts.get("body"), params["body"]),
        "footer": _fill(texts.get("footer"), []),
        "buttons": [{"title": button_title or p, "payload": p} for p in payloads],
    }
    if flow_button(body) is not None:  # the FLOW button opens the form on the phone
        view["flow"] = {"title": str(texts.get("flow_button") or button_title)}
    return view


def _fill(pattern: Any, values: list[str]) -> str | None:
    if not pattern:
        return None

    def one(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return values[index] if 0 <= index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(one, str(pattern))
