"""The files a draft holds: what kind a media item is, and remembering, forgetting and
recognising accepted files.

A file is recognised by the SHA-256 of its bytes. The caller supplies it twice: Meta's hash on
the incoming `MediaInput` (so a copy is caught before it is even fetched) and the locker's own
hash of the stored bytes on `DocumentChecked` (so a copy is caught even when Meta sent none).
"""

from __future__ import annotations

from app.flows.inputs import MediaInput
from app.flows.session import DocProgress, Draft, Received

PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})


def media_kind(item: MediaInput) -> str | None:
    """ "image" or "pdf" when the item can be a document, None otherwise."""
    mime = item.mime_type.lower()
    if mime.startswith("image/") and item.kind in {"image", "document"}:
        return "image"
    if mime in PDF_TYPES or (item.filename or "").lower().endswith(".pdf"):
        return "pdf" if item.kind == "document" else None
    return None


def remember(draft: Draft, received: Received) -> None:
    """Count an accepted file for its requirement and keep it as the newest file."""
    key = received.requirement
    draft.documents.setdefault(key, []).append(received.document_id)
    draft.pages[key] = draft.pages.get(key, 0) + max(1, received.pages)
    draft.images_only[key] = draft.images_only.get(key, True) and received.kind == "image"
    draft.received.append(received)


def forget(draft: Draft, received: Received) -> None:
    """Undo `remember`: the file no longer counts for its requirement."""
    key = received.requirement
    if received in draft.received:
        draft.received.remove(received)
    ids = draft.documents.get(key, [])
    if received.document_id in ids:
        ids.remove(received.document_id)
    if not ids:
        draft.documents.pop(key, None)
    pages = draft.pages.get(key, 0) - max(1, received.pages)
    if pages > 0:
        draft.pages[key] = pages
    else:
        draft.pages.pop(key, None)
    left = [r for r in draft.received if r.requirement == key]
    if left:
        draft.images_only[key] = all(r.kind == "image" for r in left)
    else:
        draft.images_only.pop(key, None)
    if key in draft.done_documents and not ids:
        draft.done_documents.remove(key)


def copy_of(draft: Draft, sha256: str | None) -> str | None:
    """The requirement an accepted, in-flight or album file with these bytes was sent for."""
    if not sha256:
        return None
    for received in draft.received:
        if received.sha256 == sha256:
            return received.requirement
    progress = draft.doc
    if progress is not None and sha256 in progress.pending_hashes:
        return progress.key
    if draft.album is not None:
        for photo in draft.album.photos:
            if photo.sha256 == sha256 and photo.state != "rejected":
                return photo.requirement
    return None


def thing_key(kind: str) -> str:
    """The message key naming a file of this kind ("image" → a photo, else a file)."""
    return "document.thing_photo" if kind == "image" else "document.thing_file"


def files_of(draft: Draft, progress: DocProgress) -> list[Received]:
    """The accepted files of the document being collected, oldest first."""
    return [r for r in draft.received if r.requirement == progress.key]
