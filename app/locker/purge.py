"""Retention: end the processing of documents that are no longer needed (UU PDP, Pasal 42–44).

A document is purged when it is not being fetched (`pending`) and any of these holds:

- its request ended (`released_at`) more than `retention_days` ago and the resident did not agree
  to keep it for reuse;
- it never joined a request (a draft the resident abandoned) and is older than `retention_days`,
  again unless kept for reuse;
- it expired (`expires_at` passed) and no open request still needs it: consent to keep a
  document does not outlive its validity.

Purging keeps the row as a record (`purged_at`) with an audit entry (`system`, `delete`), and
drops the file once no other live document shares it. Blobs no document refers to are deleted
after `orphan_grace`, and so are stray files in the store with no blob row at all (left by a crash
between the two steps). The row is deleted before the file, so a crash leaves a stray file for the
next run, never a row pointing at nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import repository
from app.locker.models import AccessAction, Document
from app.locker.store import BlobStore

log = structlog.get_logger(__name__)
SYSTEM_ACTOR = "system"


@dataclass
class PurgeReport:
    """What one purge run did."""

    documents_purged: int = 0
    released: int = 0  # request ended more than the retention period ago
    drafts: int = 0  # never joined a request
    expired: int = 0  # validity ended
    blobs_deleted: int = 0
    bytes_freed: int = 0
    stray_files_deleted: int = 0
    failures: int = 0  # files that could not be deleted now; the next run tries again


def _why(document: Document, now: datetime, cutoff: datetime) -> str:
    if document.expires_at is not None and document.expires_at < now:
        return "expired"
    if document.released_at is not None and document.released_at < cutoff:
        return "released"
    return "draft"


async def purge(
    session: AsyncSession,
    store: BlobStore,
    now: datetime,
    retention_days: int,
    *,
    orphan_grace: timedelta = timedelta(days=1),
    batch_size: int = 500,
) -> PurgeReport:
    """Apply the retention policy as of `now`; commits in batches and returns what it did."""
    report = PurgeReport()
    cutoff = now - timedelta(days=retention_days)
    while True:
        documents = await repository.purgeable_documents(session, now, cutoff, batch_size)
        if not documents:
            break
        for document in documents:
            why = _why(document, now, cutoff)
            report.expired += why == "expired"
            report.released += why == "released"
            report.drafts += why == "draft"
            document.purged_at = now
            await repository.add_access(
                session,
                document.id,
                actor=SYSTEM_ACTOR,
                action=AccessAction.DELETE,
                reason=f"retention: {why}",
                at=now,
            )
        report.documents_purged += len(documents)
        await session.commit()

    idle_cutoff = now - orphan_grace
    while True:
        claimed = await repository.claim_orphan_blobs(session, idle_cutoff, batch_size)
        await session.commit()
        for digest, size in claimed:
            try:
                await store.delete(digest)
            except Exception as exc:  # the row is gone: the stray-file sweep retries the file
                report.failures += 1
                log.warning("locker.purge_delete_failed", sha256=digest, error=str(exc)[:300])
                continue
            report.blobs_deleted += 1
            report.bytes_freed += size
        if len(claimed) < batch_size:
            break

    await _sweep_stray_files(session, store, idle_cutoff, batch_size, report)
    log.info("locker.purged", **vars(report))
    return report


async def _sweep_stray_files(
    session: AsyncSession,
    store: BlobStore,
    idle_cutoff: datetime,
    batch_size: int,
    report: PurgeReport,
) -> None:
    """Delete files in the store that no blob row knows, once they are older than the grace."""
    batch: list[tuple[str, int]] = []

    async def flush() -> None:
        known = await repository.known_blobs(session, [digest for digest, _ in batch])
        await session.commit()  # end the read transaction (SQLite takes its lock on BEGIN)
        for digest, size in batch:
            if digest in known:
                continue
            try:
                await store.delete(digest)
            except Exception as exc:
                report.failures += 1
                log.warning("locker.purge_delete_failed", sha256=digest, error=str(exc)[:300])
                continue
            report.stray_files_deleted += 1
            report.bytes_freed += size
        batch.clear()

    async for entry in store.iter_blobs():
        if entry.modified_at < idle_cutoff:
            batch.append((entry.sha256, entry.stored_size))
        if len(batch) >= batch_size:
            await flush()
    if batch:
        await flush()
