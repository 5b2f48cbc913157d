"""Files uploaded to Meta when their message is sent, not when it is written.

A body that carries `app.bot.messages.ATTACHMENT_KEY` (for example `"issued:12"`, an issued PDF)
names a file kept by Loket, or an image made at send time (`"pickup_qr:..."`). The outbox
worker reads it (through an `AttachmentSource`, whose read
is audited and committed on its own), uploads it to Graph's media endpoint with no transaction
open, and sends the body with the fresh media id in its `document` or in its template's DOCUMENT
header. Uploading at send time keeps the outbox row small, and a retry or a re-send uploads again,
so Meta's 30-day expiry of uploaded media never matters.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Protocol

from app.bot.messages import ATTACHMENT_KEY

# Message types whose media object takes the uploaded id directly.
MEDIA_TYPES = ("document", "image")


@dataclass(frozen=True)
class Attachment:
    """A file to upload: its bytes and MIME type."""

    content: bytes
    mime_type: str


class AttachmentGone(LookupError):
    """The named file no longer exists (replaced by a newer upload, or deleted by retention)."""


class AttachmentSource(Protocol):
    """Reads the file an attachment reference names (raises `AttachmentGone`)."""

    async def read(self, reference: str) -> Attachment: ...


class MediaUploader(Protocol):
    """Uploads a file to Meta and gives its media id (the Graph client, or the sandbox)."""

    async def upload_media(self, content: bytes, *, mime_type: str, filename: str) -> str: ...


def attachment_of(body: dict[str, Any]) -> str | None:
    """The file reference a body waits for, or None when it is complete as it is."""
    reference = body.get(ATTACHMENT_KEY)
    return reference if isinstance(reference, str) and reference else None


def _media_slot(body: dict[str, Any]) -> dict[str, Any]:
    """The object that takes the media id: the document or image, or the template's header."""
    if body.get("type") in MEDIA_TYPES:
        slot: dict[str, Any] = body[body["type"]]
        return slot
    for component in body.get("template", {}).get("components", []):
        if component.get("type") == "header":
            header: dict[str, Any] = component["parameters"][0]["document"]
            return header
    raise ValueError("a body with an attachment needs a document, an image or a DOCUMENT header")


async def attach(
    body: dict[str, Any], source: AttachmentSource, uploader: MediaUploader
) -> dict[str, Any]:
    """A copy of `body` ready for `/messages`: the file uploaded, its media id filled in."""
    reference = attachment_of(body)
    if reference is None:
        return body
    ready = copy.deepcopy(body)
    del ready[ATTACHMENT_KEY]
    slot = _media_slot(ready)
    attachment = await source.read(reference)
    default_name = "image.png" if attachment.mime_type == "image/png" else "document.pdf"
    slot["id"] = await uploader.upload_media(
        attachment.content,
        mime_type=attachment.mime_type,
        filename=str(slot.get("filename") or default_name),
    )
    return ready


class RoutedAttachments:
    """One `AttachmentSource` over several, chosen by the reference's prefix (`"issued:"`,
    `"pickup_qr:"`); an unknown prefix is a file that is gone."""

    def __init__(self, sources: dict[str, AttachmentSource]) -> None:
        self._sources = sources

    async def read(self, reference: str) -> Attachment:
        for prefix, source in self._sources.items():
            if reference.startswith(prefix):
                return await source.read(reference)
        raise AttachmentGone(reference)
