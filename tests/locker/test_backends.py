"""Behaviour specific to one backend: file layout and safety, S3 upload paths and cleanup."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import aioboto3
import pytest

from app.locker.digests import blob_key
from app.locker.file_backend import FileBackend
from app.locker.s3_backend import PART_SIZE, S3Backend
from app.locker.store import BlobStore
from tests.support.media import pattern_sha256, pattern_stream


@pytest.fixture
async def s3(
    moto_endpoint: str, s3_prefix: str, aws_session: aioboto3.Session
) -> AsyncIterator[S3Backend]:
    backend = S3Backend("loket-test", s3_prefix, endpoint_url=moto_endpoint, session=aws_session)
    yield backend
    await backend.aclose()


async def all_keys(backend: S3Backend) -> list[str]:
    client = await backend.client()
    listed = await client.list_objects_v2(Bucket=backend.bucket, Prefix=backend.prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


async def open_uploads(backend: S3Backend) -> list[str]:
    client = await backend.client()
    answer = await client.list_multipart_uploads(Bucket=backend.bucket, Prefix=backend.prefix)
    return [upload["Key"] for upload in answer.get("Uploads", [])]


async def test_s3_large_write_with_known_digest_goes_straight_to_its_key(s3: S3Backend) -> None:
    size = 2 * PART_SIZE + 100
    digest = pattern_sha256(size)
    result = await BlobStore(s3).put(pattern_stream(size), expected_sha256=digest)
    assert result.created
    assert await all_keys(s3) == [f"{s3.prefix}/{blob_key(digest)}"]
    assert await open_uploads(s3) == []


async def test_s3_large_write_of_unknown_digest_is_copied_from_tmp(s3: S3Backend) -> None:
    size = PART_SIZE + 1
    result = await BlobStore(s3).put(pattern_stream(size))
    assert await all_keys(s3) == [f"{s3.prefix}/{blob_key(result.sha256)}"]  # tmp/ removed
    assert await open_uploads(s3) == []


async def test_s3_failed_write_aborts_its_upload(s3: S3Backend) -> None:
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(Exception, match="expected sha256"):
        await BlobStore(s3).put(pattern_stream(PART_SIZE * 2), expected_sha256=wrong)
    assert await open_uploads(s3) == []
    assert await all_keys(s3) == []


async def test_s3_commit_under_another_key_than_hinted_is_refused(s3: S3Backend) -> None:
    async with s3.stage(key_hint="sha256/aa/bb/hinted") as staged:
        await staged.write(b"x" * (PART_SIZE + 1))
        with pytest.raises(ValueError, match="staged for"):
            await staged.commit("sha256/cc/dd/other", replace=False)
    assert await open_uploads(s3) == []


async def test_s3_existing_object_is_kept_without_replace(s3: S3Backend) -> None:
    for content, replace, expected in ((b"one", False, True), (b"two", False, False)):
        async with s3.stage() as staged:
            await staged.write(content)
            assert await staged.commit("obj", replace=replace) is expected
    assert b"".join([chunk async for chunk in s3.read("obj")]) == b"one"
    async with s3.stage() as staged:
        await staged.write(b"three")
        assert await staged.commit("obj", replace=True)
    assert b"".join([chunk async for chunk in s3.read("obj")]) == b"three"


def test_s3_refuses_parts_below_the_s3_minimum() -> None:
    with pytest.raises(ValueError, match="5 MiB"):
        S3Backend("bucket", part_size=1024)


def test_file_backend_refuses_keys_outside_its_root(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    for key in ("../etc/passwd", "/etc/passwd", "a/../../b", "tmp/x.part"):
        with pytest.raises(ValueError, match="unsafe key"):
            backend.path_of(key)


async def test_file_backend_lists_by_prefix(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path)
    for key in ("sha256/aa/bb/one", "sha256/aa/cc/two", "other/three"):
        async with backend.stage() as staged:
            await staged.write(key.encode())
            await staged.commit(key, replace=False)
    assert [entry.key async for entry in backend.list_objects("sha256/")] == [
        "sha256/aa/bb/one",
        "sha256/aa/cc/two",
    ]
    assert [entry.key async for entry in backend.list_objects("sha256/aa/cc")] == [
        "sha256/aa/cc/two"
    ]
    assert [entry.size async for entry in backend.list_objects("other")] == [11]
    assert [entry async for entry in FileBackend(tmp_path / "absent").list_objects("")] == []
