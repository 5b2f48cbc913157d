"""The locker's operations: take a file in from Meta, hand it out (audited), list a resident's.

Ingest keeps database transactions short: it records the document and commits, downloads and
checks with no transaction open (a 100 MB download must not hold SQLite's write lock or a
PostgreSQL connection), then records the outcome and commits again. Those commits never expire
the session's objects (see `app.db.commit_keeping_loaded`), so the returned `Document` stays
readable whatever the session's `expire_on_commit`.

`purge` (retention, in purge.py) is re-exported here with the other operations.
`ingest_media` and `read_document` commit their own short writes. The request-lifecycle helpers
(`attach_documents`, `release_request`, `set_keep_for_reuse`) only execute: they belong to the
caller's unit of work (a request changing status, say) and are committed with it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import commit_keeping_loaded, utcnow
from app.locker import repository
from app.locker.checks import Inspection
from app.locker.errors import DocumentNotAvailable, DocumentNotFound
from app.locker.fetch import Downloaded, FetchFailed, MediaSource, Sleep, download_media
from app.locker.intake import check_and_store, record_failure
from app.locker.models import AccessAction, Document, DocumentStatus
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.purge import PurgeReport, purge
from app.locker.store import BlobStore

__all__ = [
    "PurgeReport",
    "attach_documents",
    "ingest_checked",
    "ingest_media",
    "purge",
    "read_document",
    "read_thumbnail",
    "release_request",
    "resident_locker",
    "set_keep_for_reuse",
]

Clock = Callable[[], datetime]
_SETTLED = (DocumentStatus.ACCEPTED, DocumentStatus.REJECTED)


async def ingest_media(
    session: AsyncSession,
    store: BlobStore,
    source: MediaSource,
    *,
    resident_id: int,
    requirement: DocumentRequirement,
    media_id: str,
    declared_mime: str | None = None,
    declared_sha256: str | None = None,
    policy: LockerPolicy | None = None,
    media_kind: str | None = None,
    request_ref: str | None = None,
    sleep: Sleep = asyncio.sleep,
    clock: Clock = utcnow,
) -> Document:
    """Fetch a media item from Meta, check it and record the outcome as a `Document`.

    Never raises for a bad or missing file: the document comes back `accepted`, `rejected` (with a
    `reason` code) or `unavailable`. Replaying the same media for the same requirement returns the
    recorded document instead of fetching again; a `pending` or `unavailable` one is tried again.
    `media_kind` is Meta's message type ("image", "document", ...) and selects Meta's size limit.
    """
    policy = policy or LockerPolicy()
    document = await _pending_document(
        session, resident_id, requirement, media_id, declared_mime, request_ref, clock
    )
    if document.status in _SETTLED:
        return document
    limit = policy.size_limit(requirement, media_kind)
    fetched = await download_media(
        source, media_id, limit=limit, policy=policy, declared_sha256=declared_sha256, sleep=sleep
    )
    if isinstance(fetched, FetchFailed):
        return await record_failure(session, document, fetched, clock())
    return await _check_and_store(
        session, store, document, fetched, requirement, policy, limit, sleep=sleep, clock=clock
    )


async def ingest_checked(
    session: AsyncSession,
    store: BlobStore,
    fetched: Downloaded | FetchFailed,
    inspection: Inspection | None,
    *,
    resident_id: int,
    requirement: DocumentRequirement,
    media_id: str,
    declared_mime: str | None = None,
    policy: LockerPolicy | None = None,
    clock: Clock = utcnow,
) -> Document:
    """Record a file already spooled and checked (a counter upload) as `ingest_media` would.

    The checks are not run again: `inspection` is their verdict on `fetched` (None: run them
    now). A `FetchFailed` is recorded as the failure it is. The spool file is deleted afterwards,
    as after any ingest.
    """
    policy = policy or LockerPolicy()
    document = await _pending_document(
        session, resident_id, requirement, media_id, declared_mime, None, clock
    )
    if isinstance(fetched, FetchFailed):
        return await record_failure(session, document, fetched, clock())
    if document.status in _SETTLED:
        await _discard(fetched)
        return document
    limit = policy.size_limit(requirement, None)
    return await _check_and_store(
        session, store, document, fetched, requirement, policy, limit, inspection, clock=clock
    )


async def _pending_document(
    session: AsyncSession,
    resident_id: int,
    requirement: DocumentRequirement,
    media_id: str,
    declared_mime: str | None,
    request_ref: str | None,
    clock: Clock,
) -> Document:
    """The document for this media item: found, or recorded now as `pending`; committed.

    Both ways the transaction is over before returning: the download that follows must not run
    inside it (on SQLite an open transaction holds the database's write lock, so a re-run job
    whose document already exists blocked every webhook for as long as its download took).
    """
    document = await repository.find_by_media(session, resident_id, requirement.key, media_id)
    if document is not None:
        await commit_keeping_loaded(session)
        return document
    try:
        document = await repository.add_document(
            session,
            resident_id=resident_id,
            request_ref=request_ref,
            requirement=requirement.key,
            kind=requirement.document_kind,
            media_id=media_id,
            declared_mime=declared_mime,
            status=DocumentStatus.PENDING,
            created_at=clock(),
        )
        await commit_keeping_loaded(session)
    except IntegrityError:
        # Another worker recorded the same media a moment ago; its result is the result.
        await session.rollback()
        found = await repository.find_by_media(session, resident_id, requirement.key, media_id)
        await commit_keeping_loaded(session)
        if found is None:
            raise
        return found
    return document


async def _check_and_store(
    session: AsyncSession,
    store: BlobStore,
    document: Document,
    fetched: Downloaded,
    requirement: DocumentRequirement,
    policy: LockerPolicy,
    limit: int,
    inspection: Inspection | None = None,
    *,
    clock: Clock,
    sleep: Sleep = asyncio.sleep,
) -> Document:
    try:
        return await check_and_store(
            session,
            store,
            document,
            fetched,
            requirement,
            policy=policy,
            size_limit=limit,
            sleep=sleep,
            now=clock(),
            inspection=inspection,
        )
    finally:
        await _discard(fetched)


async def _discard(fetched: Downloaded) -> None:
    with contextlib.suppress(OSError):
        await asyncio.to_thread(fetched.path.unlink, True)


async def _readable(session: AsyncSession, document_id: int) -> Document:
    document = await repository.get_document(session, document_id)
    if document is None:
        raise DocumentNotFound(document_id)
    if not document.has_file:
        state = "purged" if document.purged_at is not None else document.status
        raise DocumentNotAvailable(f"document {document_id} is {state}: no file to read")
    return document


async def read_document(
    session: AsyncSession,
    store: BlobStore,
    document_id: int,
    *,
    actor: str,
    reason: str | None,
    action: AccessAction = AccessAction.VIEW,
    clock: Clock = utcnow,
) -> tuple[Document, AsyncIterator[bytes]]:
    """The document and a stream of its file; the access is written to the audit log first.

    The audit row is committed before any byte is served, so an interrupted download is still
    on record. Raises `DocumentNotFound` or `DocumentNotAvailable` (nothing to serve, no audit row).
    """
    document = await _readable(session, document_id)
    await repository.add_access(
        session, document.id, actor=actor, action=action, reason=reason, at=clock()
    )
    await commit_keeping_loaded(session)
    assert document.sha256 is not None  # has_file checked it
    return document, store.read(document.sha256)


async def read_thumbnail(
    session: AsyncSession,
    store: BlobStore,
    document_id: int,
    *,
    actor: str,
    clock: Clock = utcnow,
) -> bytes | None:
    """The document's JPEG thumbnail (audited as a view), or None when it has none."""
    document = await _readable(session, document_id)
    if document.thumbnail_sha256 is None:
        return None
    await repository.add_access(
        session, document.id, actor=actor, action=AccessAction.VIEW, reason="thumbnail", at=clock()
    )
    await commit_keeping_loaded(session)
    return await store.read_bytes(document.thumbnail_sha256)


async def resident_locker(session: AsyncSession, resident_id: int, now: datetime) -> list[Document]:
    """A resident's accepted, unexpired documents, grouped by kind, newest first within a kind."""
    return list(await repository.locker_of(session, resident_id, now))


async def attach_documents(
    session: AsyncSession, document_ids: Sequence[int], request_ref: str
) -> None:
    """Mark documents as serving a request: they are kept until it is released.

    A reused document may have been released by an earlier request; serving this one makes it
    in use again, so its release time is cleared. (One `request_ref` per document: when a reused
    document serves two open requests at once, release it only when the last one ends.)
    """
    await session.execute(
        update(Document)
        .where(Document.id.in_(document_ids))
        .values(request_ref=request_ref, released_at=None)
    )


async def release_request(session: AsyncSession, request_ref: str, at: datetime) -> int:
    """The request completed or was cancelled: retention of its documents counts from `at`."""
    result = await session.execute(
        update(Document)
        .where(Document.request_ref == request_ref, Document.released_at.is_(None))
        .values(released_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release_documents(
    session: AsyncSession, document_ids: Sequence[int], request_ref: str, at: datetime
) -> int:
    """Some documents no longer serve `request_ref` (replaced in a correction): release them.

    Only documents still held for that request are touched; one that meanwhile serves another
    request keeps that request's hold.
    """
    if not document_ids:
        return 0
    result = await session.execute(
        update(Document)
        .where(
            Document.id.in_(document_ids),
            Document.request_ref == request_ref,
            Document.released_at.is_(None),
        )
        .values(released_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def set_keep_for_reuse(
    session: AsyncSession, document_id: int, keep: bool, at: datetime
) -> None:
    """Record the resident's consent (or its withdrawal) to keep a document for later requests."""
    await session.execute(
        update(Document)
        .where(Document.id == document_id)
        .values(keep_for_reuse=keep, consent_at=at if keep else None)
    )
