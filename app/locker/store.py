"""The content-addressed blob store: every file kept once, under the SHA-256 of its plaintext.

`BlobStore` sits on a `StoreBackend` (a folder or an S3 bucket) and adds what both need alike:
hashing while streaming, de-duplication, size limits, optional encryption at rest and verification
on every read. Nothing here holds a whole file in memory: writes and reads move one chunk at a time.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from app.locker.backend import StoreBackend
from app.locker.crypto import CHUNK_SIZE, MAGIC, KeyRing, Opener, Sealer, parse_header
from app.locker.digests import KEY_PREFIX, blob_key, digest_of_key
from app.locker.errors import BlobIntegrityError, DigestMismatch, SizeLimitExceeded

READ_CHUNK = 1024 * 1024
_HEADER_MAX = 512  # an encryption header is at most 6 + 2 + 255 + 4 + 16 bytes


@dataclass(frozen=True)
class PutResult:
    """What a write produced: the plaintext digest and size, and whether it was new."""

    sha256: str
    size: int
    created: bool
    key_id: str | None  # the key it was encrypted with when created; None when plaintext or known


@dataclass(frozen=True)
class BlobEntry:
    """A stored blob as a listing sees it (`stored_size` includes any encryption overhead)."""

    sha256: str
    stored_size: int
    modified_at: datetime


class BlobStore:
    """Content-addressed storage of files on a backend, optionally encrypted with a `KeyRing`."""

    def __init__(
        self, backend: StoreBackend, keys: KeyRing | None = None, *, chunk_size: int = CHUNK_SIZE
    ) -> None:
        self.backend = backend
        self.keys = keys
        self._chunk_size = chunk_size

    async def __aenter__(self) -> BlobStore:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.backend.aclose()

    async def put(
        self,
        chunks: AsyncIterable[bytes],
        *,
        expected_sha256: str | None = None,
        max_bytes: int | None = None,
        keys: KeyRing | None = None,
        replace: bool = False,
    ) -> PutResult:
        """Stream `chunks` into the store and return the digest they are kept under.

        Raises `SizeLimitExceeded` as soon as more than `max_bytes` arrive and `DigestMismatch`
        when the content is not `expected_sha256`; in both cases nothing is stored. `keys`
        overrides the store's key ring (re-encryption uses it); `replace` rewrites an existing blob.
        """
        ring = keys if keys is not None else self.keys
        sealer = None
        if ring is not None:
            sealer = Sealer(ring.current_id, ring.get(ring.current_id), self._chunk_size)
        hasher = hashlib.sha256()
        size = 0
        hint = blob_key(expected_sha256) if expected_sha256 else None
        try:
            async with self.backend.stage(hint) as staged:
                if sealer is not None:
                    await staged.write(sealer.header)
                async for chunk in chunks:
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise SizeLimitExceeded(max_bytes)
                    hasher.update(chunk)
                    await staged.write(sealer.feed(chunk) if sealer is not None else chunk)
                if sealer is not None:
                    await staged.write(sealer.finish())
                digest = hasher.hexdigest()
                if expected_sha256 is not None and digest != expected_sha256:
                    raise DigestMismatch(expected_sha256, digest)
                created = await staged.commit(blob_key(digest), replace=replace)
        finally:
            # Stopped early, a source stream (a file, an HTTP body) is released now, not at GC.
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()
        return PutResult(digest, size, created, ring.current_id if ring and created else None)

    async def put_bytes(self, data: bytes) -> PutResult:
        """Store a small in-memory file (a thumbnail, say)."""

        async def one() -> AsyncIterator[bytes]:
            yield data

        return await self.put(one(), expected_sha256=hashlib.sha256(data).hexdigest())

    async def put_file(self, path: Path, *, sha256: str) -> PutResult:
        """Store a local file whose digest the caller already verified.

        When that blob is already stored nothing is read or sent: the same file sent twice is
        uploaded once.
        """
        if await self.exists(sha256):
            size = (await asyncio.to_thread(path.stat)).st_size
            return PutResult(sha256, size, False, None)
        return await self.put(read_file(path), expected_sha256=sha256)

    async def exists(self, sha256: str) -> bool:
        return await self.backend.exists(blob_key(sha256))

    async def delete(self, sha256: str) -> None:
        await self.backend.delete(blob_key(sha256))

    async def read(
        self, sha256: str, *, keys: KeyRing | None = None
    ) -> AsyncGenerator[bytes, None]:
        """Stream a blob's plaintext, decrypting when needed and checking it against its digest.

        Raises `BlobNotFound` when absent and `BlobIntegrityError` when the bytes are not what was
        stored (for encrypted blobs at the first bad chunk; for plain ones once the end is reached,
        when the digest can be compared).
        """
        ring = keys if keys is not None else self.keys
        hasher = hashlib.sha256()
        raw = self.backend.read(blob_key(sha256), READ_CHUNK)
        try:
            head = b""
            async for chunk in raw:
                head += chunk
                if len(head) >= len(MAGIC):
                    break
            opener = Opener(ring) if head.startswith(MAGIC) else None
            pieces = _chain(head, raw)
            async for chunk in pieces:
                plain = opener.feed(chunk) if opener is not None else chunk
                if plain:
                    hasher.update(plain)
                    yield plain
            if opener is not None:
                tail = opener.finish()
                if tail:
                    hasher.update(tail)
                    yield tail
        finally:
            await raw.aclose()
        if hasher.hexdigest() != sha256:
            raise BlobIntegrityError(f"blob {sha256} does not match its digest")

    async def read_bytes(self, sha256: str) -> bytes:
        """A whole (small) blob in memory; for thumbnails and tests, never for documents."""
        return b"".join([chunk async for chunk in self.read(sha256)])

    async def key_id_of(self, sha256: str) -> str | None:
        """The id of the key a blob is encrypted with, or None when it is stored in plaintext."""
        raw = self.backend.read(blob_key(sha256), 4096)
        head = b""
        try:
            async for chunk in raw:
                head += chunk
                if len(head) >= _HEADER_MAX:
                    break
        finally:
            await raw.aclose()
        if not head.startswith(MAGIC):
            return None
        header = parse_header(head)
        if header is None:
            raise BlobIntegrityError(f"blob {sha256} is cut short inside its header")
        return header.key_id

    async def iter_blobs(self) -> AsyncIterator[BlobEntry]:
        """Every blob in the store (anything else found there is skipped)."""
        async for entry in self.backend.list_objects(KEY_PREFIX):
            digest = digest_of_key(entry.key)
            if digest is not None:
                yield BlobEntry(digest, entry.size, entry.modified_at)


async def _chain(head: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    if head:
        yield head
    async for chunk in rest:
        yield chunk


async def read_file(path: Path, chunk_size: int = READ_CHUNK) -> AsyncIterator[bytes]:
    """Stream a local file in chunks without blocking the event loop."""
    handle = await asyncio.to_thread(path.open, "rb")
    try:
        while chunk := await asyncio.to_thread(handle.read, chunk_size):
            yield chunk
    finally:
        handle.close()
