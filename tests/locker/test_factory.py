from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from app.locker.factory import backend_for_url, open_store, store_from_settings
from app.locker.file_backend import FileBackend
from app.locker.s3_backend import S3Backend
from tests.support.media import sample_key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("file:./var/locker", "/base/var/locker"),
        ("file:relative/dir", "/base/relative/dir"),
        ("file:/srv/locker", "/srv/locker"),
        ("file:///srv/locker", "/srv/locker"),
    ],
)
def test_file_urls(url: str, expected: str) -> None:
    backend = backend_for_url(url, base_dir=Path("/base"))
    assert isinstance(backend, FileBackend) and backend.root == Path(expected)


def test_s3_url_with_endpoint() -> None:
    backend = backend_for_url("s3://loket-docs/prod/locker/", s3_endpoint_url="http://minio:9000")
    assert isinstance(backend, S3Backend)
    assert (backend.bucket, backend.prefix, backend.endpoint_url) == (
        "loket-docs",
        "prod/locker",
        "http://minio:9000",
    )
    assert backend.full_key("sha256/ab") == "prod/locker/sha256/ab"
    assert backend_for_url("s3://bucket").full_key("k") == "k"  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", ["file:", "s3://", "ftp://x", "/plain/path"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(ValueError, match="LOCKER_URL"):
        backend_for_url(url)


def test_open_store_with_encryption() -> None:
    store = open_store("file:/tmp/x", encryption_key=f"a:{sample_key(1)}")
    assert store.keys is not None and store.keys.current_id == "a"
    assert open_store("file:/tmp/x").keys is None


def test_store_from_settings(settings: Settings) -> None:
    store = store_from_settings(settings)
    assert isinstance(store.backend, FileBackend)
    assert store.backend.root == Path(settings.locker_url.removeprefix("file:"))
    encrypted = store_from_settings(
        settings.model_copy(update={"encryption_key": _secret(sample_key(5))})
    )
    assert encrypted.keys is not None and encrypted.keys.get(encrypted.keys.current_id)


def _secret(value: str):
    from pydantic import SecretStr

    return SecretStr(value)
