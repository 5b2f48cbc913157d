"""Key rotation on both backends: every blob ends under the current key, content unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import repository
from app.locker.backend import StoreBackend
from app.locker.crypto import KeyRing
from app.locker.digests import blob_key
from app.locker.errors import MissingKeyError
from app.locker.models import Blob
from app.locker.rotation import reencrypt, reencrypt_locker
from app.locker.store import BlobStore
from tests.support.media import pattern_stream, sample_key

OLD = KeyRing.parse(f"old:{sample_key(1)}")
NEW = KeyRing.parse(f"new:{sample_key(2)},old:{sample_key(1)}")


async def fill(backend: StoreBackend) -> dict[str, bytes]:
    """Three blobs: one plaintext, two under the old key (one large enough for multipart)."""
    contents = {}
    for ring, data in ((None, b"plain KTP"), (OLD, b"old KK" * 1000)):
        put = await BlobStore(backend, ring).put_bytes(data)
        contents[put.sha256] = data
    big = await BlobStore(backend, OLD).put(pattern_stream(6 * 1024 * 1024 + 5))
    contents[big.sha256] = await BlobStore(backend, OLD).read_bytes(big.sha256)
    return contents


async def test_reencrypt_moves_everything_to_the_current_key(backend: StoreBackend) -> None:
    contents = await fill(backend)
    rewritten: list[tuple[str, str]] = []

    async def note(digest: str, key_id: str) -> None:
        rewritten.append((digest, key_id))

    report = await reencrypt(BlobStore(backend, NEW), NEW, on_rewritten=note)
    assert (report.rewritten, report.skipped, report.failed) == (3, 0, [])
    assert sorted(rewritten) == sorted((digest, "new") for digest in contents)
    after = BlobStore(backend, KeyRing.parse(f"new:{sample_key(2)}"))  # old key dropped
    for digest, data in contents.items():
        assert await after.key_id_of(digest) == "new"
        assert await after.read_bytes(digest) == data
    again = await reencrypt(BlobStore(backend, NEW), NEW)
    assert (again.rewritten, again.skipped) == (0, 3)


async def test_blobs_it_cannot_read_are_reported_and_left_alone(backend: StoreBackend) -> None:
    contents = await fill(backend)
    stranger = await BlobStore(backend, KeyRing.parse(f"lost:{sample_key(9)}")).put_bytes(b"?")
    tampered_digest = next(d for d, data in contents.items() if data == b"old KK" * 1000)
    raw = b"".join([c async for c in backend.read(blob_key(tampered_digest))])
    async with backend.stage() as staged:
        await staged.write(raw[:-1] + bytes([raw[-1] ^ 1]))
        await staged.commit(blob_key(tampered_digest), replace=True)

    report = await reencrypt(BlobStore(backend, NEW), NEW)
    assert sorted(report.failed) == sorted([stranger.sha256, tampered_digest])
    assert report.rewritten == 2
    still = b"".join([c async for c in backend.read(blob_key(tampered_digest))])
    assert still[:-1] == raw[:-1]  # the failed blob was not replaced
    with pytest.raises(MissingKeyError):
        await BlobStore(backend, NEW).read_bytes(stranger.sha256)


async def test_rotation_can_also_remove_encryption_keys_one_by_one(
    backend: StoreBackend,
) -> None:
    contents = await fill(backend)
    await reencrypt(BlobStore(backend, NEW), NEW)
    newest = KeyRing.parse(f"newest:{sample_key(3)},new:{sample_key(2)}")
    report = await reencrypt(BlobStore(backend, newest), newest)
    assert report.rewritten == 3
    for digest, data in contents.items():
        assert await BlobStore(backend, newest).read_bytes(digest) == data


async def test_reencrypt_locker_keeps_blob_rows_in_step(
    session: AsyncSession, file_store: BlobStore
) -> None:
    put = await BlobStore(file_store.backend, OLD).put_bytes(b"dokumen")
    await repository.touch_blobs(session, [put.sha256], datetime(2026, 11, 22, tzinfo=UTC))
    await repository.record_blob(session, put.sha256, put.size, put.key_id, put.created)
    await session.commit()
    report = await reencrypt_locker(session, BlobStore(file_store.backend, NEW), NEW)
    assert report.rewritten == 1
    row = (await session.execute(select(Blob))).scalar_one()
    assert (row.sha256, row.key_id) == (put.sha256, "new")
