"""Pure builders of Graph API `/messages` bodies, with Meta's limits enforced before sending.

Every builder returns the exact JSON Meta expects, minus the recipient: the outbox stores bodies
unaddressed and `address_body` fills `to` (or `recipient`) at send time from the resident's current
identifiers. Limits (reference §4) are handled in two ways:

- what only a programmer can fix raises `MessageLimitError`: too many or too few buttons, rows or
  sections, ids that are too long or repeated, a body over its limit, a missing required text;
- display labels, which often carry catalog or resident-provided text (button and row titles, row
  descriptions, list button label, section titles, header, footer, captions), are truncated cleanly
  at a word boundary with "…".

Long plain texts are split into several messages at paragraph, line, sentence or word boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from app.bot.errors import MessageLimitError

# Meta's limits, in characters or items (reference §4).
MAX_TEXT, MAX_CAPTION, MAX_HEADER, MAX_FOOTER = 4096, 1024, 60, 60
MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_BUTTON_ID, MAX_BUTTON_BODY = 3, 20, 256, 1024
MAX_LIST_BODY, MAX_LIST_BUTTON, MAX_SECTIONS, MAX_ROWS = 4096, 20, 10, 10
MAX_SECTION_TITLE, MAX_ROW_TITLE, MAX_ROW_ID, MAX_ROW_DESCRIPTION = 24, 24, 200, 72
MAX_TEMPLATE_BUTTONS = 10
ELLIPSIS = "…"

# Preferred places to split a long text, best first. All but the last only count in the second half
# of the window, so a paragraph break near the start does not leave a tiny first message.
_BREAKS = (re.compile(r"\n[ \t]*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?…])\s"))
_WORD_BREAK = re.compile(r"\s")


@dataclass(frozen=True)
class Button:
    """A reply button: `id` comes back in the resident's reply, `title` is what they see."""

    id: str
    title: str


@dataclass(frozen=True)
class Row:
    """A row of an interactive list."""

    id: str
    title: str
    description: str | None = None


@dataclass(frozen=True)
class Section:
    """A titled group of list rows; the title is required by Meta when a list has several."""

    title: str | None
    rows: Sequence[Row]


class Addressable(Protocol):
    """Anything with Meta's two identifiers of a person, such as `app.residents.models.Resident`."""

    @property
    def wa_id(self) -> str | None: ...

    @property
    def user_id(self) -> str | None: ...


def truncate(text: str, limit: int) -> str:
    """Shorten `text` to at most `limit` characters, ending with "…" at a word boundary."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    # Cut at the last space unless the cut already falls between words or that loses half the room.
    if not text[limit - 1].isspace() and space >= (limit - 1) // 2:
        head = head[:space]
    return head.rstrip(" \t\n,;:-–—") + ELLIPSIS


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split `text` into pieces of at most `limit` characters; mid-word only for a longer word."""
    rest = text.strip()
    if not rest:
        raise MessageLimitError("a text message needs a non-empty body")
    pieces: list[str] = []
    while len(rest) > limit:
        cut = _break_point(rest, limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    pieces.append(rest)
    return pieces


def _break_point(text: str, limit: int) -> int:
    # The character right after the window may be the whitespace that ends a full-length piece.
    window = text[: limit + 1]
    for pattern in _BREAKS:
        found = [m.start() for m in pattern.finditer(window) if limit // 2 <= m.start() <= limit]
        if found:
            return found[-1]
    words = [m.start() for m in _WORD_BREAK.finditer(window) if 0 < m.start() <= limit]
    return words[-1] if words else limit


def text(
    body: str, *, preview_url: bool = False, reply_to: str | None = None
) -> list[dict[str, Any]]:
    """One or more text messages (several when `body` is over 4096 characters)."""
    return [
        _envelope("text", {"preview_url": preview_url, "body": piece}, reply_to if i == 0 else None)
        for i, piece in enumerate(split_text(body))
    ]


def buttons(
    body: str,
    choices: Sequence[Button],
    *,
    header: str | None = None,
    footer: str | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """An interactive message with 1 to 3 reply buttons."""
    if not 1 <= len(choices) <= MAX_BUTTONS:
        raise MessageLimitError(f"reply buttons: 1 to {MAX_BUTTONS} buttons, got {len(choices)}")
    reply_buttons: list[dict[str, Any]] = []
    titles: set[str] = set()
    _check_ids([choice.id for choice in choices], MAX_BUTTON_ID, "button id")
    for choice in choices:
        title = _label(choice.title, MAX_BUTTON_TITLE, "button title")
        if title in titles:
            raise MessageLimitError(f"reply button titles must be unique: {title!r} repeats")
        titles.add(title)
        reply_buttons.append({"type": "reply", "reply": {"id": choice.id, "title": title}})
    interactive: dict[str, Any] = {"type": "button"}
    _add_header_footer(interactive, header, footer)
    interactive["body"] = {"text": _required(body, MAX_BUTTON_BODY, "reply buttons body")}
    interactive["action"] = {"buttons": reply_buttons}
    return _envelope("interactive", interactive, reply_to)


def list_message(
    body: str,
    button: str,
    sections: Sequence[Section] | Sequence[Row],
    *,
    header: str | None = None,
    footer: str | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """An interactive list; plain rows make one untitled section."""
    loose_rows = [item for item in sections if isinstance(item, Row)]
    parts = [item for item in sections if isinstance(item, Section)]
    if loose_rows and parts:
        raise MessageLimitError("list: pass either sections or rows, not both")
    if loose_rows:
        parts = [Section(None, loose_rows)]
    if not 1 <= len(parts) <= MAX_SECTIONS:
        raise MessageLimitError(f"list: 1 to {MAX_SECTIONS} sections, got {len(parts)}")
    rows = [row for part in parts for row in part.rows]
    if not 1 <= len(rows) <= MAX_ROWS:
        raise MessageLimitError(f"list: 1 to {MAX_ROWS} rows in all sections, got {len(rows)}")
    _check_ids([row.id for row in rows], MAX_ROW_ID, "list row id")
    out_sections: list[dict[str, Any]] = []
    for part in parts:
        if not part.rows:
            raise MessageLimitError("list: every section needs at least one row")
        section: dict[str, Any] = {}
        if part.title is not None and part.title.strip():
            section["title"] = _label(part.title, MAX_SECTION_TITLE, "section title")
        elif len(parts) > 1:
            raise MessageLimitError("list: every section needs a title when there are several")
        section["rows"] = [_row(row) for row in part.rows]
        out_sections.append(section)
    interactive: dict[str, Any] = {"type": "list"}
    _add_header_footer(interactive, header, footer)
    interactive["body"] = {"text": _required(body, MAX_LIST_BODY, "list body")}
    interactive["action"] = {
        "button": _label(button, MAX_LIST_BUTTON, "list button"),
        "sections": out_sections,
    }
    return _envelope("interactive", interactive, reply_to)


def template(
    name: str,
    language: str,
    *,
    body_params: Sequence[str] = (),
    quick_reply_payloads: Sequence[str] = (),
    header_document: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An approved template (the only kind allowed outside the 24-hour window).

    `header_document` is the document of a DOCUMENT header (`{"id": …, "filename": …}`)."""
    if not name.strip() or not language.strip():
        raise MessageLimitError("template: name and language code are required")
    if len(quick_reply_payloads) > MAX_TEMPLATE_BUTTONS:
        raise MessageLimitError(f"template: at most {MAX_TEMPLATE_BUTTONS} quick-reply buttons")
    components: list[dict[str, Any]] = []
    if header_document is not None:
        components.append(
            {"type": "header", "parameters": [{"type": "document", "document": header_document}]}
        )
    if body_params:
        components.append(
            {
                "type": "body",
                "parameters": [{"type": "text", "text": _template_text(p)} for p in body_params],
            }
        )
    for index, payload in enumerate(quick_reply_payloads):
        if not payload:
            raise MessageLimitError("template: a quick-reply payload cannot be empty")
        components.append(
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": str(index),
                "parameters": [{"type": "payload", "payload": payload}],
            }
        )
    content: dict[str, Any] = {"name": name, "language": {"code": language}}
    if components:
        content["components"] = components
    return _envelope("template", content, None)


def image(
    *, media_id: str | None = None, link: str | None = None, caption: str | None = None
) -> dict[str, Any]:
    """An image by uploaded media id (recommended by Meta) or by https link."""
    return _envelope("image", _media(media_id, link, caption), None)


def document(
    *,
    media_id: str | None = None,
    link: str | None = None,
    caption: str | None = None,
    filename: str | None = None,
) -> dict[str, Any]:
    """A document; the filename's extension decides the icon the resident sees."""
    media = _media(media_id, link, caption)
    if filename:
        media["filename"] = filename
    return _envelope("document", media, None)


# A body whose file is uploaded at send time carries this key (never sent to Meta): which file
# (`"issued:<id>"`) goes into its `document` or its template's DOCUMENT header (`app.outbox`).
ATTACHMENT_KEY = "loket_attachment"


def document_pending(
    attachment: str, *, caption: str | None = None, filename: str | None = None
) -> dict[str, Any]:
    """A document whose file is uploaded by the outbox when it is sent (`ATTACHMENT_KEY`)."""
    body = document(link="https://pending.invalid/", caption=caption, filename=filename)
    del body["document"]["link"]
    body[ATTACHMENT_KEY] = attachment
    return body


def image_pending(attachment: str, *, caption: str | None = None) -> dict[str, Any]:
    """An image made or read by the outbox when it is sent (`ATTACHMENT_KEY`), such as the
    pickup QR code."""
    body = image(link="https://pending.invalid/", caption=caption)
    del body["image"]["link"]
    body[ATTACHMENT_KEY] = attachment
    return body


def read_receipt(message_id: str) -> dict[str, Any]:
    """Mark an inbound message (and the earlier ones of the thread) as read."""
    return {"messaging_product": "whatsapp", "status": "read", "message_id": message_id}


def typing_indicator(message_id: str) -> dict[str, Any]:
    """Mark read and show "typing…" for up to 25 s, until our reply arrives."""
    return {**read_receipt(message_id), "typing_indicator": {"type": "text"}}


def is_status_body(body: dict[str, Any]) -> bool:
    """True for read receipts and typing indicators: they create no message, have no recipient."""
    return body.get("status") == "read" and "message_id" in body


def address_body(body: dict[str, Any], resident: Addressable) -> dict[str, Any]:
    """A copy of `body` addressed to `resident`: by phone number when known, else by BSUID."""
    addressed = {k: v for k, v in body.items() if k not in ("to", "recipient")}
    if is_status_body(body):
        return addressed
    if resident.wa_id:
        # Meta: without "+", the business number's own country code may be prepended (reference
        # §4); a wa_id is always the full international number, so say so explicitly.
        wa_id = resident.wa_id
        addressed["to"] = f"+{wa_id}" if wa_id.isdigit() else wa_id
    elif resident.user_id:
        # Sending to a business-scoped user id: pywa uses a `recipient` key instead of `to`.
        # UNVERIFIED against a Meta page (reference §4); revisit when Meta documents it.
        addressed["recipient"] = resident.user_id
    else:
        raise ValueError("the resident has neither a wa_id nor a user_id to send to")
    return addressed


def _envelope(kind: str, content: dict[str, Any], reply_to: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": kind,
        kind: content,
    }
    if reply_to:
        body["context"] = {"message_id": reply_to}
    return body


def _media(media_id: str | None, link: str | None, caption: str | None) -> dict[str, Any]:
    if (media_id is None) == (link is None):
        raise MessageLimitError("media: give exactly one of media_id or link")
    media: dict[str, Any] = {"id": media_id} if media_id is not None else {"link": link}
    if caption and caption.strip():
        media["caption"] = truncate(caption.strip(), MAX_CAPTION)
    return media


def _row(row: Row) -> dict[str, Any]:
    out = {"id": row.id, "title": _label(row.title, MAX_ROW_TITLE, "row title")}
    if row.description and row.description.strip():
        out["description"] = truncate(" ".join(row.description.split()), MAX_ROW_DESCRIPTION)
    return out


def _add_header_footer(interactive: dict[str, Any], header: str | None, footer: str | None) -> None:
    if header and header.strip():
        interactive["header"] = {"type": "text", "text": _label(header, MAX_HEADER, "header")}
    if footer and footer.strip():
        interactive["footer"] = {"text": _label(footer, MAX_FOOTER, "footer")}


def _label(value: str, limit: int, what: str) -> str:
    """A one-line display label: whitespace collapsed, truncated with "…" when too long."""
    single = " ".join(value.split())
    if not single:
        raise MessageLimitError(f"{what} cannot be empty")
    return truncate(single, limit)


def _required(value: str, limit: int, what: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise MessageLimitError(f"{what} cannot be empty")
    if len(stripped) > limit:
        raise MessageLimitError(f"{what} is {len(stripped)} characters; Meta allows {limit}")
    return stripped


def _check_ids(ids: Sequence[str], limit: int, what: str) -> None:
    for value in ids:
        if not value or len(value) > limit:
            raise MessageLimitError(f"{what} must be 1 to {limit} characters: {value[:40]!r}")
    if len(set(ids)) != len(ids):
        raise MessageLimitError(f"{what}s must be unique: {list(ids)!r}")


def _template_text(value: str) -> str:
    # Meta refuses template parameters with newlines, tabs or more than 4 spaces in a row.
    single = " ".join(value.split())
    if not single:
        raise MessageLimitError("template: a body parameter cannot be empty")
    return single
