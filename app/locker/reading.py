"""Opening a document for someone allowed to see it: the check, the audit row, the first bytes.

Who may see which document is the requests' rule (a document is seen through the requests it is
attached to), so the caller passes that check in; the locker stays below the requests and never
imports them. The JSON API and the dashboard both serve files through `open_visible`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.locker.models import AccessAction, Document
from app.locker.service import read_document
from app.locker.store import BlobStore

# RequestDocument.document_id is a 32-bit column: a larger number cannot be attached anywhere.
MAX_DOCUMENT_ID = 2**31 - 1

MaySee = Callable[[int], Awaitable[bool]]
"""Whether the reader may see the document with this id (their scope, applied in SQL)."""


async def _chain(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


async def open_visible(
    session: AsyncSession,
    store: BlobStore,
    document_id: int,
    *,
    may_see: MaySee,
    actor: str,
    reason: str,
    action: AccessAction,
) -> tuple[Document, AsyncIterator[bytes]] | None:
    """The document and its bytes for `actor`, the read audited; None when the id is unknown
    or `may_see` refuses it, LockerError when the document has no file.

    The audit row is committed before the first byte is read (see `read_document`). The first
    chunk is read here, before answering, so a file missing from the store is a clean 404 rather
    than a response cut short after its headers.
    """
    if not 1 <= document_id <= MAX_DOCUMENT_ID:
        return None
    if not await may_see(document_id):
        return None
    document, chunks = await read_document(
        session, store, document_id, actor=actor, reason=reason, action=action
    )
    first = await anext(chunks, b"")
    return document, _chain(first, chunks)
