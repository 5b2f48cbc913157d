"""Document downloads: scope check, audit row, then the file streamed from the locker."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator

from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.api import repository
from app.api.deps import Viewer, not_found
from app.locker import AccessAction, BlobStore, Document, LockerError, read_document

# What the locker accepts (images and PDFs); anything older or odd is served as bytes.
CONTENT_TYPES = ("image/jpeg", "image/png", "application/pdf", "application/octet-stream")
# RequestDocument.document_id is a 32-bit column: a larger number cannot be attached anywhere.
MAX_DOCUMENT_ID = 2**31 - 1
AUDIT_REASON = "api"


async def _chain(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


async def open_visible(
    session: AsyncSession,
    store: BlobStore,
    viewer: Viewer,
    document_id: int,
    *,
    reason: str,
    action: AccessAction,
) -> tuple[Document, AsyncIterator[bytes]] | None:
    """The document and its bytes for `viewer`, the read audited; None when the id is unknown
    or outside the viewer's scope, LockerError when the document has no file.

    The audit row is committed before the first byte is read (see `read_document`). The first
    chunk is read here, before answering, so a file missing from the store is a clean 404 rather
    than a response cut short after its headers. The API and the dashboard both serve through it.
    """
    if not 1 <= document_id <= MAX_DOCUMENT_ID:
        return None
    if not await repository.document_visible(session, viewer.scope, document_id):
        return None
    document, chunks = await read_document(
        session, store, document_id, actor=viewer.actor, reason=reason, action=action
    )
    first = await anext(chunks, b"")
    return document, _chain(first, chunks)


async def stream(
    session: AsyncSession, store: BlobStore, viewer: Viewer, document_id: int
) -> StreamingResponse:
    """The document's file for `viewer`, or 404 when it is unknown, hidden or has no file."""
    try:
        opened = await open_visible(
            session, store, viewer, document_id, reason=AUDIT_REASON, action=AccessAction.DOWNLOAD
        )
    except LockerError:
        not_found("document file")
    if opened is None:
        not_found("document")
    document, content = opened
    mime_type = document.mime_type if document.mime_type in CONTENT_TYPES else None
    mime_type = mime_type or "application/octet-stream"
    extension = mimetypes.guess_extension(mime_type) or ".bin"
    headers = {
        "Content-Disposition": f'attachment; filename="document-{document.id}{extension}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
    if document.size is not None:
        headers["Content-Length"] = str(document.size)
    return StreamingResponse(content, media_type=mime_type, headers=headers)
