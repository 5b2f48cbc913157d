"""The second half of ingest: check a downloaded file, store it, record the outcome.

Split from service.py so each step reads on its own; `service.ingest_media` is the entry point.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import commit_keeping_loaded
from app.locker import repository
from app.locker.checks import Inspection, run_checks
from app.locker.fetch import Downloaded, FetchFailed, Sleep
from app.locker.models import Document, DocumentStatus
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.reasons import Reason
from app.locker.store import BlobStore, PutResult

log = structlog.get_logger(__name__)
T = TypeVar("T")


async def record_failure(
    session: AsyncSession, document: Document, failure: FetchFailed, now: datetime
) -> Document:
    """A download that failed for good (`unavailable`) or was too large (`rejected`)."""
    too_large = failure.reason == Reason.TOO_LARGE
    document.status = DocumentStatus.REJECTED if too_large else DocumentStatus.UNAVAILABLE
    document.reason = str(failure.reason)
    document.attempts = (document.attempts or 0) + failure.attempts
    document.last_error = None if too_large else failure.error[:2000]
    document.check_detail = dict(failure.detail) or None
    document.checked_at = now
    await commit_keeping_loaded(session)
    log.info("locker.document_failed", document_id=document.id, reason=document.reason)
    return document


async def with_retries(action: Callable[[], Awaitable[T]], policy: LockerPolicy, sleep: Sleep) -> T:
    """Run `action`, retrying with the download backoff; the last failure propagates."""
    failures = 0
    while True:
        try:
            return await action()
        except Exception as exc:
            failures += 1
            if failures >= policy.download_attempts:
                raise
            error = f"{type(exc).__name__}: {exc}"
            log.warning("locker.store_retry", attempt=failures, error=error[:300])
            await sleep(policy.retry_delay(failures))


async def check_and_store(
    session: AsyncSession,
    store: BlobStore,
    document: Document,
    fetched: Downloaded,
    requirement: DocumentRequirement,
    *,
    policy: LockerPolicy,
    size_limit: int,
    sleep: Sleep,
    now: datetime,
    inspection: Inspection | None = None,
) -> Document:
    """Run the intake checks on the spooled file; store it when accepted; record the verdict.

    `inspection` is the verdict of checks already run on this very file (the counter checks a
    form's files before keeping any): it is recorded as it is, the file is not checked twice.
    """
    if inspection is None:
        inspection = await run_checks(fetched.path, requirement, policy, size_limit=size_limit)
    document.sha256 = fetched.sha256
    document.size = fetched.size
    document.mime_type = inspection.mime_type
    document.pages = inspection.pages
    document.attempts = (document.attempts or 0) + fetched.attempts
    document.check_detail = {**inspection.metrics, **inspection.verdict.detail} or None
    document.checked_at = now
    if not inspection.verdict.accepted:
        # A refused file is not kept: the resident is asked for another; nobody needs this one.
        document.status = DocumentStatus.REJECTED
        document.reason = str(inspection.verdict.reason)
        document.last_error = None
        await commit_keeping_loaded(session)
        log.info("locker.document_rejected", document_id=document.id, reason=document.reason)
        return document

    thumbnail = inspection.thumbnail
    digests = [fetched.sha256]
    if thumbnail is not None:
        digests.append(hashlib.sha256(thumbnail).hexdigest())
    # Touch the blob rows before writing, in their own commit: from now on a concurrent purge
    # leaves these blobs alone (see models.Blob).
    await repository.touch_blobs(session, digests, now)
    await commit_keeping_loaded(session)
    try:
        main = await with_retries(
            lambda: store.put_file(fetched.path, sha256=fetched.sha256), policy, sleep
        )
    except Exception as exc:
        document.status = DocumentStatus.UNAVAILABLE
        document.reason = str(Reason.UNAVAILABLE)
        document.last_error = f"store: {type(exc).__name__}: {exc}"[:2000]
        await commit_keeping_loaded(session)
        log.error("locker.store_failed", document_id=document.id, error=document.last_error)
        return document
    thumb = None
    if thumbnail is not None:
        try:
            thumb = await store.put_bytes(thumbnail)
        except Exception as exc:  # a thumbnail is a convenience: the document stands without it
            log.warning("locker.thumbnail_failed", document_id=document.id, error=str(exc)[:300])
    for put in (main, thumb):
        if put is not None:
            await _record_put(session, put)
    document.thumbnail_sha256 = thumb.sha256 if thumb is not None else None
    document.status = DocumentStatus.ACCEPTED
    document.reason = None
    document.last_error = None
    if requirement.validity_days is not None:
        document.expires_at = now + timedelta(days=requirement.validity_days)
    await commit_keeping_loaded(session)
    log.info("locker.document_accepted", document_id=document.id, sha256=fetched.sha256)
    return document


async def _record_put(session: AsyncSession, put: PutResult) -> None:
    await repository.record_blob(session, put.sha256, put.size, put.key_id, put.created)
