"""Build a `BlobStore` from `LOCKER_URL`, `S3_ENDPOINT_URL` and `LOKET_ENCRYPTION_KEY`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.locker.backend import StoreBackend
from app.locker.crypto import KeyRing
from app.locker.file_backend import FileBackend
from app.locker.s3_backend import S3Backend
from app.locker.store import BlobStore

if TYPE_CHECKING:
    from app.config import Settings


def backend_for_url(
    locker_url: str, *, s3_endpoint_url: str | None = None, base_dir: Path | None = None
) -> StoreBackend:
    """The backend a `LOCKER_URL` names.

    `file:./var/locker`, `file:relative/path` and `file:/absolute/path` (also `file:///abs`) are
    folders, relative ones resolved against `base_dir` (default: the working directory);
    `s3://bucket/prefix` is a bucket, reached through `s3_endpoint_url` when given.
    """
    if locker_url.startswith("file:"):
        raw = locker_url.removeprefix("file:")
        if raw.startswith("//"):
            raw = urlsplit(locker_url).path  # file:///abs/path or file://localhost/abs/path
        if not raw:
            raise ValueError("LOCKER_URL: file: needs a path, e.g. file:./var/locker")
        path = Path(raw)
        return FileBackend(path if path.is_absolute() else (base_dir or Path.cwd()) / path)
    if locker_url.startswith("s3://"):
        parts = urlsplit(locker_url)
        if not parts.netloc:
            raise ValueError("LOCKER_URL: s3:// needs a bucket, e.g. s3://loket-locker/prod")
        return S3Backend(parts.netloc, parts.path.strip("/"), endpoint_url=s3_endpoint_url or None)
    raise ValueError("LOCKER_URL must start with file: or s3://")


def open_store(
    locker_url: str,
    *,
    encryption_key: str | None = None,
    s3_endpoint_url: str | None = None,
    base_dir: Path | None = None,
) -> BlobStore:
    """A `BlobStore` for this configuration; close it with `await store.aclose()`."""
    keys = KeyRing.parse(encryption_key) if encryption_key else None
    backend = backend_for_url(locker_url, s3_endpoint_url=s3_endpoint_url, base_dir=base_dir)
    return BlobStore(backend, keys)


def store_from_settings(settings: Settings) -> BlobStore:
    """The locker store the service's settings describe."""
    key = settings.encryption_key.get_secret_value() if settings.encryption_key else None
    return open_store(
        settings.locker_url, encryption_key=key, s3_endpoint_url=settings.s3_endpoint_url
    )
