"""Taking in a file uploaded through the dashboard, with exactly the checks a WhatsApp file gets.

An operator at the counter photographs a resident's papers and uploads them from the browser.
The form parser has already spooled each file; `UploadSource` presents one as a `MediaSource`,
so the code that takes a file from Meta spools, hashes and size-caps it the same way, and
`ingest_media` records, checks and stores it as it does for a photo sent by chat.

`check_upload` runs the checks without writing anything: a form can report every refused file
before a single row or blob is kept. `store_upload` then records and stores the checked copy
(and commits) without checking it again; `CheckedUpload.discard` drops a copy not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.locker.checks import Inspection, run_checks
from app.locker.fetch import Downloaded, FetchFailed, MediaInfo, download_media
from app.locker.models import Document
from app.locker.policy import DocumentRequirement, LockerPolicy, MiB
from app.locker.reasons import Verdict
from app.locker.service import ingest_checked
from app.locker.store import BlobStore

# One uploaded file at most; a phone photo or a scanned PDF of a few pages fits easily.
UPLOAD_MAX_BYTES = 10 * MiB
_CHUNK = 256 * 1024
_MIME_MAX = 128  # the width of `document.declared_mime`
_MIME = re.compile(r"^[\w.+-]+/[\w.+-]+$")


class UploadedFile(Protocol):
    """What the locker needs of an uploaded file (Starlette's `UploadFile` fits)."""

    size: int | None

    @property
    def content_type(self) -> str | None: ...

    async def read(self, size: int = -1) -> bytes: ...

    async def seek(self, offset: int) -> None: ...


def _declared_mime(upload: UploadedFile) -> str | None:
    """The browser's content type when it looks like one (it is only a claim: the checks sniff)."""
    claimed = (upload.content_type or "").strip()
    return claimed if len(claimed) <= _MIME_MAX and _MIME.match(claimed) else None


class UploadSource:
    """One uploaded file as a `MediaSource`: its "media URL" is read from the start each time."""

    def __init__(self, upload: UploadedFile) -> None:
        self.upload = upload

    async def get_media(self, media_id: str) -> MediaInfo:
        mime_type = _declared_mime(self.upload) or "application/octet-stream"
        return MediaInfo(url=media_id, mime_type=mime_type, file_size=self.upload.size)

    @asynccontextmanager
    async def stream_media(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        await self.upload.seek(0)  # a retried read starts over, like a fresh download
        yield self._chunks()

    async def _chunks(self) -> AsyncIterator[bytes]:
        while chunk := await self.upload.read(_CHUNK):
            yield chunk


def upload_policy(policy: LockerPolicy | None = None) -> LockerPolicy:
    """The locker's policy with the upload cap: no file above `UPLOAD_MAX_BYTES` is taken."""
    base = policy or LockerPolicy()
    return replace(base, max_bytes=min(base.max_bytes, UPLOAD_MAX_BYTES))


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file after the intake checks: their verdict, and the spooled copy they ran on.

    The copy is what `store_upload` keeps, so a file is checked once. Whoever holds a
    `CheckedUpload` that is not stored calls `discard` (storing deletes the copy itself).
    """

    verdict: Verdict
    declared_mime: str | None
    fetched: Downloaded | FetchFailed
    inspection: Inspection | None = None

    async def discard(self) -> None:
        if isinstance(self.fetched, Downloaded):
            with contextlib.suppress(OSError):
                await asyncio.to_thread(self.fetched.path.unlink, True)


async def check_upload(
    upload: UploadedFile, requirement: DocumentRequirement, *, policy: LockerPolicy | None = None
) -> CheckedUpload:
    """The intake verdict on an uploaded file (type, size, image or PDF checks); writes nothing."""
    policy = upload_policy(policy)
    limit = policy.size_limit(requirement, None)
    declared = _declared_mime(upload)
    fetched = await download_media(UploadSource(upload), "upload", limit=limit, policy=policy)
    if isinstance(fetched, FetchFailed):
        return CheckedUpload(Verdict(fetched.reason, dict(fetched.detail)), declared, fetched)
    checked = CheckedUpload(Verdict(), declared, fetched)
    try:
        inspection = await run_checks(fetched.path, requirement, policy, size_limit=limit)
    except BaseException:
        await asyncio.shield(checked.discard())
        raise
    return replace(checked, verdict=inspection.verdict, inspection=inspection)


async def store_upload(
    session: AsyncSession,
    store: BlobStore,
    checked: CheckedUpload,
    *,
    resident_id: int,
    requirement: DocumentRequirement,
    policy: LockerPolicy | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Document:
    """Keep a checked upload as the resident's `Document` (committed, like any ingest).

    Never raises for a bad file: the document comes back `accepted`, or `rejected` with the
    reason, or `unavailable` when the store failed. Each upload is its own media item, so the
    same photo uploaded twice is two documents sharing one stored blob.
    """
    return await ingest_checked(
        session,
        store,
        checked.fetched,
        checked.inspection,
        resident_id=resident_id,
        requirement=requirement,
        media_id=f"upload:{uuid.uuid4().hex}",
        declared_mime=checked.declared_mime,
        policy=upload_policy(policy),
        clock=clock,
    )
