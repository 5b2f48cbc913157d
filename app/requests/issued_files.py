"""Reading issued PDFs for the outbox worker, which uploads them to Meta at send time."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import locker
from app.outbox.attachments import Attachment, AttachmentGone
from app.requests.issued import read_issued
from app.requests.issued_models import IssuedDocument
from app.requests.issued_send import issued_id_of

OUTBOX_ACTOR = "system:outbox"


class IssuedAttachments:
    """Reads issued PDFs for the outbox worker (`app.outbox.attachments.AttachmentSource`).

    Each read is audited and committed in its own short transaction before the upload starts."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], store: locker.BlobStore
    ) -> None:
        self._sessionmaker = sessionmaker
        self._store = store

    async def read(self, reference: str) -> Attachment:
        issued_id = issued_id_of(reference)
        if issued_id is None:
            raise AttachmentGone(reference)
        # `read_issued` commits its audit row itself, before any byte is read.
        async with self._sessionmaker() as session:
            issued = await session.get(IssuedDocument, issued_id)
            if issued is None:
                raise AttachmentGone(reference)
            try:
                chunks = await read_issued(session, self._store, issued, actor=OUTBOX_ACTOR)
            except LookupError as exc:
                raise AttachmentGone(f"{reference}: {exc}") from exc
            content = b"".join([chunk async for chunk in chunks])
        return Attachment(content, "application/pdf")
