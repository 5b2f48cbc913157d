"""The blob store on both backends, plain and encrypted (each test runs four times)."""

from __future__ import annotations

import hashlib
import tracemalloc
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.locker.digests import blob_key
from app.locker.errors import (
    BlobIntegrityError,
    BlobNotFound,
    DigestMismatch,
    SizeLimitExceeded,
)
from app.locker.file_backend import FileBackend
from app.locker.store import BlobStore
from tests.support.media import chunked, one_chunk, pattern_sha256, pattern_stream

MiB = 1024 * 1024


async def raw_bytes(store: BlobStore, digest: str) -> bytes:
    return b"".join([chunk async for chunk in store.backend.read(blob_key(digest))])


@pytest.mark.parametrize("size", [0, 1, 65_536, 65_537, 5 * MiB + 3, 11 * MiB])
async def test_put_then_read_round_trips(store: BlobStore, size: int) -> None:
    result = await store.put(pattern_stream(size))
    assert result.sha256 == pattern_sha256(size)
    assert result.size == size and result.created
    assert result.key_id == ("new" if store.keys else None)
    assert await store.exists(result.sha256)
    data = await store.read_bytes(result.sha256)
    assert len(data) == size and hashlib.sha256(data).hexdigest() == result.sha256
    assert await store.key_id_of(result.sha256) == result.key_id


async def test_same_content_is_stored_once(store: BlobStore) -> None:
    first = await store.put(chunked(b"KTP" * 50_000, 1000))
    second = await store.put(chunked(b"KTP" * 50_000, 7777))
    assert first.sha256 == second.sha256
    assert first.created and not second.created
    assert [entry.sha256 async for entry in store.iter_blobs()] == [first.sha256]


async def test_encrypted_blobs_hold_no_plaintext(store: BlobStore) -> None:
    secret = b"NIK 3201234567890001 " * 4000
    result = await store.put(one_chunk(secret))
    stored = await raw_bytes(store, result.sha256)
    if store.keys:
        assert b"NIK 3201234567890001" not in stored and stored.startswith(b"LKTENC")
    else:
        assert stored == secret


async def test_expected_digest_mismatch_stores_nothing(store: BlobStore) -> None:
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(DigestMismatch) as caught:
        await store.put(pattern_stream(6 * MiB), expected_sha256=wrong)
    assert caught.value.actual == pattern_sha256(6 * MiB)
    assert [entry async for entry in store.iter_blobs()] == []


async def test_size_limit_stops_the_stream_early(store: BlobStore) -> None:
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        while True:
            pulled += 1
            yield b"x" * 65_536

    with pytest.raises(SizeLimitExceeded):
        await store.put(endless(), max_bytes=1 * MiB)
    assert pulled == 17  # 16 chunks fit in 1 MiB; the 17th passes the limit and stops it
    assert [entry async for entry in store.iter_blobs()] == []


async def test_put_file_skips_known_blobs(store: BlobStore, tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 " * 1000)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    first = await store.put_file(path, sha256=digest)
    second = await store.put_file(path, sha256=digest)
    assert first.created and not second.created and second.size == 9000
    assert await store.read_bytes(digest) == path.read_bytes()


async def test_missing_blob_and_delete(store: BlobStore) -> None:
    missing = hashlib.sha256(b"nothing").hexdigest()
    with pytest.raises(BlobNotFound):
        await store.read_bytes(missing)
    assert not await store.exists(missing)
    await store.delete(missing)  # absent is fine
    result = await store.put_bytes(b"thumbnail")
    await store.delete(result.sha256)
    assert not await store.exists(result.sha256)


async def test_tampered_blob_is_detected_on_read(store: BlobStore) -> None:
    result = await store.put(pattern_stream(200_000))
    stored = bytearray(await raw_bytes(store, result.sha256))
    stored[-1000] ^= 0x40
    async with store.backend.stage() as staged:
        await staged.write(bytes(stored))
        await staged.commit(blob_key(result.sha256), replace=True)
    with pytest.raises(BlobIntegrityError):
        await store.read_bytes(result.sha256)


async def test_a_blob_under_the_wrong_name_is_detected(store: BlobStore) -> None:
    real = await store.put_bytes(b"real content")
    other = hashlib.sha256(b"claimed content").hexdigest()
    async with store.backend.stage() as staged:
        await staged.write(await raw_bytes(store, real.sha256))
        await staged.commit(blob_key(other), replace=False)
    with pytest.raises(BlobIntegrityError, match="does not match"):
        await store.read_bytes(other)


@pytest.mark.slow
async def test_fifty_megabytes_stream_in_bounded_memory(store: BlobStore) -> None:
    size = 50 * MiB
    await store.exists(pattern_sha256(0))  # connect first: the S3 client's models are not the file
    tracemalloc.start()
    try:
        result = await store.put(pattern_stream(size))
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        digest, total = hashlib.sha256(), 0
        async for chunk in store.read(result.sha256):
            digest.update(chunk)
            total += len(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.sha256 == pattern_sha256(size) == digest.hexdigest() and total == size
    # One S3 part (5 MiB) is the largest buffer; the file itself is ten times that.
    assert write_peak < 16 * MiB, f"write peak {write_peak / MiB:.1f} MiB"
    assert read_peak < 8 * MiB, f"read peak {read_peak / MiB:.1f} MiB"


async def test_iter_blobs_lists_only_committed_blobs(store: BlobStore) -> None:
    made = {(await store.put_bytes(bytes([n]) * 100)).sha256 for n in range(3)}
    async with store.backend.stage() as staged:  # an abandoned write
        await staged.write(b"half a file")
    listed = [entry async for entry in store.iter_blobs()]
    assert {entry.sha256 for entry in listed} == made
    assert all(entry.stored_size >= 100 for entry in listed)


async def test_reading_part_of_a_stream_releases_it(store: BlobStore) -> None:
    result = await store.put(pattern_stream(3 * MiB))
    stream = store.read(result.sha256)
    first = await anext(stream)
    await stream.aclose()
    assert first and await store.exists(result.sha256)


async def test_file_backend_layout_and_no_leftovers(tmp_path: Path) -> None:
    store = BlobStore(FileBackend(tmp_path))
    result = await store.put(chunked(b"dokumen" * 1000, 100))
    digest = result.sha256
    stored = tmp_path / "sha256" / digest[:2] / digest[2:4] / digest
    assert stored.read_bytes() == b"dokumen" * 1000
    assert stored.stat().st_mode & 0o777 == 0o600
    assert list((tmp_path / "tmp").iterdir()) == []
    with pytest.raises(DigestMismatch):
        await store.put(one_chunk(b"x"), expected_sha256=digest)
    assert list((tmp_path / "tmp").iterdir()) == []
