"""The locker's SQL: every query on `document`, `blob` and `document_access` lives here."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, delete, exists, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import is_postgres
from app.locker.models import Blob, Document, DocumentAccess, DocumentStatus


async def get_document(session: AsyncSession, document_id: int) -> Document | None:
    return await session.get(Document, document_id)


async def find_by_media(
    session: AsyncSession, resident_id: int, requirement: str, media_id: str
) -> Document | None:
    """The document already recorded for this media item and requirement, if any."""
    result = await session.execute(
        select(Document).where(
            Document.resident_id == resident_id,
            Document.requirement == requirement,
            Document.media_id == media_id,
        )
    )
    return result.scalar_one_or_none()


async def add_document(session: AsyncSession, **values: Any) -> Document:
    document = Document(**values)
    session.add(document)
    await session.flush()
    return document


async def touch_blobs(session: AsyncSession, digests: Iterable[str], now: datetime) -> None:
    """Create or refresh blob rows *before* their files are written (see `Blob`)."""
    rows = [{"sha256": digest, "created_at": now, "last_used_at": now} for digest in digests]
    if not rows:
        return
    insert = pg_insert if is_postgres(session) else sqlite_insert
    statement = insert(Blob).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[Blob.sha256], set_={"last_used_at": statement.excluded.last_used_at}
    )
    await session.execute(statement)


async def record_blob(
    session: AsyncSession, digest: str, size: int, key_id: str | None, created: bool
) -> None:
    """Fill in a blob's size, and its key id when this write created it."""
    values: dict[str, Any] = {"size": size}
    if created:
        values["key_id"] = key_id
    await session.execute(update(Blob).where(Blob.sha256 == digest).values(**values))


async def set_blob_key(session: AsyncSession, digest: str, key_id: str | None) -> None:
    await session.execute(update(Blob).where(Blob.sha256 == digest).values(key_id=key_id))


async def add_access(
    session: AsyncSession,
    document_id: int,
    *,
    actor: str,
    action: str,
    reason: str | None,
    at: datetime,
) -> DocumentAccess:
    entry = DocumentAccess(
        document_id=document_id, actor=actor, action=action, reason=reason, at=at
    )
    session.add(entry)
    await session.flush()
    return entry


async def accesses(session: AsyncSession, document_id: int) -> Sequence[DocumentAccess]:
    result = await session.execute(
        select(DocumentAccess)
        .where(DocumentAccess.document_id == document_id)
        .order_by(DocumentAccess.id)
    )
    return result.scalars().all()


async def locker_of(session: AsyncSession, resident_id: int, now: datetime) -> Sequence[Document]:
    """A resident's accepted, unexpired, unpurged documents, by kind and newest first."""
    result = await session.execute(_locker_of(), {"resident_id": resident_id, "now": now})
    return result.scalars().all()


@functools.cache
def _locker_of() -> Select[Document]:
    """Built once (it runs on every conversation step), executed with parameters."""
    return (
        select(Document)
        .where(
            Document.resident_id == bindparam("resident_id"),
            Document.status == DocumentStatus.ACCEPTED,
            Document.purged_at.is_(None),
            or_(Document.expires_at.is_(None), Document.expires_at > bindparam("now")),
        )
        .order_by(Document.kind, Document.checked_at.desc(), Document.id.desc())
    )


def _purgeable(now: datetime, retention_cutoff: datetime) -> Any:
    """Which documents the retention policy ends (see `purge.purge` for the rules in words)."""
    idle = Document.status != DocumentStatus.PENDING
    not_kept = Document.keep_for_reuse.is_(False)
    released = and_(Document.released_at.is_not(None), Document.released_at < retention_cutoff)
    expired = and_(Document.expires_at.is_not(None), Document.expires_at < now)
    in_use = and_(Document.request_ref.is_not(None), Document.released_at.is_(None))
    draft = and_(
        Document.request_ref.is_(None),
        Document.released_at.is_(None),
        Document.created_at < retention_cutoff,
    )
    return and_(
        Document.purged_at.is_(None),
        idle,
        or_(and_(not_kept, or_(released, draft)), and_(expired, ~in_use)),
    )


async def purgeable_documents(
    session: AsyncSession, now: datetime, retention_cutoff: datetime, limit: int
) -> Sequence[Document]:
    result = await session.execute(
        select(Document)
        .where(_purgeable(now, retention_cutoff))
        .order_by(Document.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return result.scalars().all()


def _referenced(digest_column: Any) -> Any:
    live = Document.purged_at.is_(None)
    return or_(
        exists().where(Document.sha256 == digest_column, live),
        exists().where(Document.thumbnail_sha256 == digest_column, live),
    )


async def claim_orphan_blobs(
    session: AsyncSession, idle_cutoff: datetime, limit: int
) -> list[tuple[str, int]]:
    """Delete up to `limit` blob rows nothing refers to and nobody touched since `idle_cutoff`.

    Returns (digest, size) of each; the caller deletes the files after committing.
    """
    orphan = and_(Blob.last_used_at < idle_cutoff, ~_referenced(Blob.sha256))
    found = await session.execute(select(Blob.sha256).where(orphan).limit(limit))
    candidates = list(found.scalars().all())
    if not candidates:
        return []
    # The conditions are checked again by the DELETE itself: an ingest that touched one of these
    # blobs since the SELECT keeps it.
    result = await session.execute(
        delete(Blob).where(Blob.sha256.in_(candidates), orphan).returning(Blob.sha256, Blob.size)
    )
    return [(digest, size or 0) for digest, size in result.all()]


async def known_blobs(session: AsyncSession, digests: Sequence[str]) -> set[str]:
    """Which of `digests` have a blob row."""
    if not digests:
        return set()
    result = await session.execute(select(Blob.sha256).where(Blob.sha256.in_(digests)))
    return set(result.scalars().all())
