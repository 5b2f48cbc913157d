"""Blob bytes in a local folder: temporary file, fsync, atomic rename, fsync of the directory.

Layout under the root: committed objects at their key (`sha256/ab/cd/<hex>`), writes in progress
in `tmp/`. Blocking file calls run in worker threads so a slow disk never stalls the event loop;
small writes are gathered into 1 MiB blocks first so the thread hops stay few.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncGenerator, AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from app.locker.backend import BackendEntry
from app.locker.errors import BlobNotFound

_WRITE_BLOCK = 1024 * 1024
_TMP_DIR = "tmp"
_FILE_MODE = 0o600  # personal documents: readable by the service account only
_DIR_MODE = 0o700


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _FileStagedWrite:
    """A temporary file in `tmp/` that becomes the object at `commit`."""

    def __init__(self, backend: FileBackend, path: Path, fd: int) -> None:
        self._backend = backend
        self._path = path
        self._fd: int | None = fd
        self._buffer = bytearray()
        self.committed = False

    async def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= _WRITE_BLOCK:
            await self._flush()

    async def _flush(self) -> None:
        if not self._buffer or self._fd is None:
            return
        block, self._buffer = bytes(self._buffer), bytearray()
        await asyncio.to_thread(self._write_all, self._fd, block)

    @staticmethod
    def _write_all(fd: int, block: bytes) -> None:
        view = memoryview(block)
        while view:
            written = os.write(fd, view)
            view = view[written:]

    async def commit(self, key: str, *, replace: bool) -> bool:
        await self._flush()
        target = self._backend.path_of(key)
        done = await asyncio.to_thread(self._commit_sync, target, replace)
        self.committed = True
        return done

    def _commit_sync(self, target: Path, replace: bool) -> bool:
        assert self._fd is not None
        os.fsync(self._fd)  # the data is on disk before the name points at it
        os.close(self._fd)
        self._fd = None
        if not replace and target.exists():
            self._path.unlink(missing_ok=True)
            return False
        self._backend.make_dirs(target.parent)
        os.replace(self._path, target)
        _fsync_dir(target.parent)  # ...and the name itself survives a power cut
        return True

    def discard(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._path.unlink(missing_ok=True)


class FileBackend:
    """A `StoreBackend` over a local directory (`LOCKER_URL=file:...`)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @property
    def description(self) -> str:
        return f"file:{self.root}"

    def path_of(self, key: str) -> Path:
        if key.startswith(("/", _TMP_DIR + "/")) or ".." in key.split("/"):
            raise ValueError(f"unsafe key {key!r}")
        return self.root / key

    def make_dirs(self, directory: Path) -> None:
        """Create `directory` and its missing parents, fsyncing each parent so they persist."""
        missing: list[Path] = []
        current = directory
        while not current.exists():
            missing.append(current)
            current = current.parent
        for path in reversed(missing):
            with contextlib.suppress(FileExistsError):  # a concurrent writer made it first
                path.mkdir(mode=_DIR_MODE)
            _fsync_dir(path.parent)

    @contextlib.asynccontextmanager
    async def stage(self, key_hint: str | None = None) -> AsyncIterator[_FileStagedWrite]:
        tmp_dir = self.root / _TMP_DIR
        path = tmp_dir / f"{secrets.token_hex(16)}.part"

        def _open() -> int:
            self.make_dirs(tmp_dir)
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)

        staged = _FileStagedWrite(self, path, await asyncio.to_thread(_open))
        try:
            yield staged
        finally:
            if not staged.committed:
                await asyncio.to_thread(staged.discard)

    async def read(self, key: str, chunk_size: int = 1024 * 1024) -> AsyncGenerator[bytes, None]:
        path = self.path_of(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise BlobNotFound(key) from None
        try:
            while chunk := await asyncio.to_thread(handle.read, chunk_size):
                yield chunk
        finally:
            handle.close()

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_of(key).is_file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, True)

    async def list_objects(self, prefix: str) -> AsyncIterator[BackendEntry]:
        # Depth first in name order (as S3 lists), one directory per thread hop: a locker of
        # millions of files is never listed into memory at once.
        stack = [iter(await asyncio.to_thread(_scan, self.root))]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            entry_path, is_dir, size, mtime = entry
            key = entry_path.relative_to(self.root).as_posix()
            if is_dir:
                if key != _TMP_DIR and (prefix.startswith(key + "/") or key.startswith(prefix)):
                    stack.append(iter(await asyncio.to_thread(_scan, entry_path)))
            elif key.startswith(prefix):
                yield BackendEntry(key, size, datetime.fromtimestamp(mtime, UTC))

    async def aclose(self) -> None:
        return None


def _scan(directory: Path) -> list[tuple[Path, bool, int, float]]:
    try:
        with os.scandir(directory) as it:
            found = []
            for entry in it:
                is_dir = entry.is_dir(follow_symlinks=False)
                stat = entry.stat(follow_symlinks=False)
                found.append((Path(entry.path), is_dir, stat.st_size, stat.st_mtime))
            return sorted(found)
    except FileNotFoundError:
        return []
