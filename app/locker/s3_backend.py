"""Blob bytes in an S3-compatible bucket (`LOCKER_URL=s3://bucket/prefix`).

Writes stream as a multipart upload, holding at most one part (5 MiB, S3's minimum) in memory.
An object appears only when the upload is completed, which is what makes a write atomic here.
When the caller knows the final key in advance the upload goes straight there; otherwise it goes to
`<prefix>/tmp/<random>` and is copied server-side at commit (S3 has no rename). Files smaller than
one part skip multipart altogether and are written with a single PUT at commit.

Credentials, region and the rest come from the standard `AWS_*` variables through botocore;
`S3_ENDPOINT_URL` points it at MinIO, Ceph, moto and friends.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import secrets
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC
from typing import Any

import aioboto3
from botocore.config import Config
from botocore.exceptions import ClientError

from app.locker.backend import BackendEntry
from app.locker.errors import BlobNotFound

PART_SIZE = 5 * 1024 * 1024
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


def _is_not_found(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _NOT_FOUND


class _S3StagedWrite:
    """A multipart upload (or a small buffer) that becomes the object at `commit`."""

    def __init__(self, backend: S3Backend, client: Any, key_hint: str | None) -> None:
        self._backend = backend
        self._client = client
        self._upload_key = backend.full_key(key_hint) if key_hint else backend.tmp_key()
        self._hinted = key_hint is not None
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self.finished = False

    async def write(self, data: bytes) -> None:
        self._buffer += data
        size = self._backend.part_size
        while len(self._buffer) >= size:
            part = bytes(memoryview(self._buffer)[:size])
            del self._buffer[:size]
            await self._upload_part(part)

    async def _upload_part(self, part: bytes) -> None:
        if self._upload_id is None:
            created = await self._client.create_multipart_upload(
                Bucket=self._backend.bucket, Key=self._upload_key
            )
            self._upload_id = created["UploadId"]
        number = len(self._parts) + 1
        answer = await self._client.upload_part(
            Bucket=self._backend.bucket,
            Key=self._upload_key,
            UploadId=self._upload_id,
            PartNumber=number,
            # A file object, not raw bytes: aiohttp streams it instead of warning about size.
            Body=io.BytesIO(part),
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    async def commit(self, key: str, *, replace: bool) -> bool:
        bucket, target = self._backend.bucket, self._backend.full_key(key)
        if not replace and await self._backend.exists(key):
            await self.abort()
            return False
        if self._upload_id is None:
            body = io.BytesIO(bytes(self._buffer))
            await self._client.put_object(Bucket=bucket, Key=target, Body=body)
            self.finished = True
            return True
        if self._hinted and target != self._upload_key:
            # Completing here would publish these bytes under another blob's name.
            raise ValueError(f"staged for {self._upload_key!r}, committed as {target!r}")
        if self._buffer:
            await self._upload_part(bytes(self._buffer))
            self._buffer = bytearray()
        await self._client.complete_multipart_upload(
            Bucket=bucket,
            Key=self._upload_key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        self.finished = True
        if self._upload_key != target:
            await self._client.copy_object(
                Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": self._upload_key}
            )
            await self._client.delete_object(Bucket=bucket, Key=self._upload_key)
        return True

    async def abort(self) -> None:
        if self._upload_id is not None and not self.finished:
            with contextlib.suppress(ClientError):
                await self._client.abort_multipart_upload(
                    Bucket=self._backend.bucket, Key=self._upload_key, UploadId=self._upload_id
                )
        self.finished = True


class S3Backend:
    """A `StoreBackend` over one bucket and key prefix."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint_url: str | None = None,
        part_size: int = PART_SIZE,
        session: aioboto3.Session | None = None,
    ) -> None:
        if part_size < PART_SIZE:
            raise ValueError("S3 multipart parts must be at least 5 MiB")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url
        self.part_size = part_size
        self._session = session or aioboto3.Session()
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self._lock = asyncio.Lock()

    @property
    def description(self) -> str:
        where = f" at {self.endpoint_url}" if self.endpoint_url else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"

    def full_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def tmp_key(self) -> str:
        return self.full_key(f"tmp/{secrets.token_hex(16)}")

    async def client(self) -> Any:
        """The S3 client, created on first use and kept until `aclose`."""
        async with self._lock:
            if self._client is None:
                config = Config(
                    # Path-style works with every S3-compatible server and with 127.0.0.1.
                    s3={"addressing_style": "path"} if self.endpoint_url else {},
                    # Newer botocore adds CRC checksums by default, which several S3-compatible
                    # servers reject; ask for them only where the API requires them.
                    request_checksum_calculation="when_required",
                    response_checksum_validation="when_required",
                    retries={"max_attempts": 5, "mode": "standard"},
                )
                stack = AsyncExitStack()
                self._client = await stack.enter_async_context(
                    self._session.client("s3", endpoint_url=self.endpoint_url, config=config)
                )
                self._stack = stack
            return self._client

    @contextlib.asynccontextmanager
    async def stage(self, key_hint: str | None = None) -> AsyncIterator[_S3StagedWrite]:
        staged = _S3StagedWrite(self, await self.client(), key_hint)
        try:
            yield staged
        finally:
            if not staged.finished:
                await staged.abort()

    async def read(self, key: str, chunk_size: int = 1024 * 1024) -> AsyncGenerator[bytes, None]:
        client = await self.client()
        try:
            answer = await client.get_object(Bucket=self.bucket, Key=self.full_key(key))
        except ClientError as exc:
            if _is_not_found(exc):
                raise BlobNotFound(key) from None
            raise
        body = answer["Body"]
        async with body:
            async for chunk in body.iter_chunks(chunk_size):
                yield chunk

    async def exists(self, key: str) -> bool:
        client = await self.client()
        try:
            await client.head_object(Bucket=self.bucket, Key=self.full_key(key))
        except ClientError as exc:
            if _is_not_found(exc):
                return False
            raise
        return True

    async def delete(self, key: str) -> None:
        client = await self.client()
        await client.delete_object(Bucket=self.bucket, Key=self.full_key(key))

    async def list_objects(self, prefix: str) -> AsyncIterator[BackendEntry]:
        client = await self.client()
        strip = len(self.full_key(""))
        paginator = client.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=self.full_key(prefix)):
            for item in page.get("Contents", []):
                modified = item["LastModified"].astimezone(UTC)
                yield BackendEntry(item["Key"][strip:], int(item["Size"]), modified)

    async def aclose(self) -> None:
        async with self._lock:
            if self._stack is not None:
                await self._stack.aclose()
            self._stack = None
            self._client = None
