"""Document downloads: scope check, audit row, then the file streamed from the locker."""

from __future__ import annotations

import mimetypes
from functools import partial

from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import not_found
from app.locker import AccessAction, BlobStore, LockerError, open_visible
from app.operators.service import Viewer
from app.requests.listing import document_visible

# What the locker accepts (images and PDFs); anything older or odd is served as bytes.
CONTENT_TYPES = ("image/jpeg", "image/png", "application/pdf", "application/octet-stream")
AUDIT_REASON = "api"


async def stream(
    session: AsyncSession, store: BlobStore, viewer: Viewer, document_id: int
) -> StreamingResponse:
    """The document's file for `viewer`, or 404 when it is unknown, hidden or has no file."""
    try:
        opened = await open_visible(
            session,
            store,
            document_id,
            may_see=partial(document_visible, session, viewer.scope),
            actor=viewer.actor,
            reason=AUDIT_REASON,
            action=AccessAction.DOWNLOAD,
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
