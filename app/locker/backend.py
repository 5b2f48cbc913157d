"""The store interface: where blob bytes live, whatever the medium.

A backend knows nothing of digests or encryption; `BlobStore` (store.py) adds content addressing
on top. Two implementations exist: `FileBackend` (a local folder) and `S3Backend` (any
S3-compatible service). Both write through a *staged write*: bytes go somewhere invisible first and
appear under their key only at `commit`, in one atomic step, so a reader never sees half a file
and a crash never leaves one under a real key.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class BackendEntry:
    """One stored object as a listing sees it."""

    key: str
    size: int
    modified_at: datetime


class StagedWrite(Protocol):
    """Bytes being written; invisible until `commit`, discarded if the block exits without it."""

    async def write(self, data: bytes) -> None:
        """Append bytes (any size; the backend buffers as it needs)."""

    async def commit(self, key: str, *, replace: bool) -> bool:
        """Make the bytes visible under `key`, durably.

        With `replace=False` an existing object is left alone and False is returned (the caller
        writes content-addressed data, so the existing object already holds the same content).
        """


class StoreBackend(Protocol):
    """The storage medium behind a `BlobStore`."""

    @property
    def description(self) -> str:
        """Where the bytes live, for logs (never containing secrets)."""

    def stage(self, key_hint: str | None = None) -> AbstractAsyncContextManager[StagedWrite]:
        """Start a write. `key_hint` is the key the caller expects to commit to, when it knows it:
        S3 then uploads straight there instead of to a temporary key followed by a copy."""

    def read(self, key: str, chunk_size: int = 1024 * 1024) -> AsyncGenerator[bytes, None]:
        """Stream an object's bytes; `BlobNotFound` (on first iteration) when it is absent."""

    async def exists(self, key: str) -> bool:
        """True when an object is stored under `key`."""

    async def delete(self, key: str) -> None:
        """Remove the object under `key`; absent keys are not an error."""

    def list_objects(self, prefix: str) -> AsyncIterator[BackendEntry]:
        """Every committed object whose key starts with `prefix` (staging areas excluded)."""

    async def aclose(self) -> None:
        """Release connections; the backend is unusable afterwards."""
