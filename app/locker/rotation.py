"""Key rotation: rewrite every blob under the current key of a key ring.

Put the new key first in `LOKET_ENCRYPTION_KEY` and keep the old ones after it, run `reencrypt`,
then drop the old keys. Each blob is decrypted with whichever key it names (plaintext blobs are
read as they are), encrypted with the current key, checked against its digest while streaming
and swapped in atomically: a reader sees the old blob or the new one, never a mix, and a failure
leaves the old blob in place. Blobs already under the current key are skipped, so the command can
be interrupted and run again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import repository
from app.locker.crypto import KeyRing
from app.locker.store import BlobStore

log = structlog.get_logger(__name__)
OnRewritten = Callable[[str, str], Awaitable[None]]


@dataclass
class ReencryptReport:
    rewritten: int = 0
    skipped: int = 0  # already under the current key
    failed: list[str] = field(default_factory=list)  # digests left as they were


async def reencrypt(
    store: BlobStore, keys: KeyRing, *, on_rewritten: OnRewritten | None = None
) -> ReencryptReport:
    """Rewrite every blob in `store` under `keys.current_id`; `on_rewritten(digest, key_id)` runs
    after each rewrite (to update the blob table, say)."""
    report = ReencryptReport()
    async for entry in store.iter_blobs():
        digest = entry.sha256
        try:
            if await store.key_id_of(digest) == keys.current_id:
                report.skipped += 1
                continue
            await store.put(
                store.read(digest, keys=keys), expected_sha256=digest, keys=keys, replace=True
            )
        except Exception as exc:  # a blob that cannot be rewritten now stays as it was
            report.failed.append(digest)
            log.error("locker.reencrypt_failed", sha256=digest, error=str(exc)[:300])
            continue
        report.rewritten += 1
        if on_rewritten is not None:
            await on_rewritten(digest, keys.current_id)
    log.info(
        "locker.reencrypted",
        rewritten=report.rewritten,
        skipped=report.skipped,
        failed=len(report.failed),
    )
    return report


async def reencrypt_locker(
    session: AsyncSession, store: BlobStore, keys: KeyRing
) -> ReencryptReport:
    """`reencrypt`, keeping `blob.key_id` in step (one short commit per rewritten blob)."""

    async def update_row(digest: str, key_id: str) -> None:
        await repository.set_blob_key(session, digest, key_id)
        await session.commit()

    return await reencrypt(store, keys, on_rewritten=update_row)
