"""Fetching a resident's file from Meta into a local spool file, hashed and size-capped on the way.

The Graph client (app.bot) implements `MediaSource`; this module only needs its shape. A media URL
lives five minutes: when the download answers 404/401 the client raises `MediaUrlExpired` (or a
subclass) and we ask for a fresh URL at once. Other failures are retried with exponential backoff.
A download that still fails comes back as `FetchFailed(unavailable)`, never as an exception, so
the caller can record it and tell the resident; it is never silently dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import structlog

from app.locker.digests import normalize_sha256
from app.locker.errors import DigestMismatch, SizeLimitExceeded
from app.locker.policy import LockerPolicy
from app.locker.reasons import Reason

log = structlog.get_logger(__name__)
_WRITE_BLOCK = 1024 * 1024

Sleep = Callable[[float], Awaitable[None]]


class MediaUrlExpired(Exception):
    """The media URL is no longer valid (404, or 401 on the URL): fetch a new one and retry."""


class MediaGone(Exception):
    """Meta no longer holds this media (its id expired or was deleted): retrying cannot help."""


class MediaInfoLike(Protocol):
    """What `GET /{version}/{media_id}` tells about a media item."""

    @property
    def url(self) -> str: ...
    @property
    def mime_type(self) -> str: ...
    @property
    def sha256(self) -> str | None: ...
    @property
    def file_size(self) -> int | str | None: ...


@dataclass(frozen=True)
class MediaInfo:
    """A plain `MediaInfoLike`; `sha256` as hex or base64, `file_size` as a number or a string."""

    url: str
    mime_type: str
    sha256: str | None = None
    file_size: int | str | None = None


class MediaSource(Protocol):
    """Meta's media endpoints, as the Graph client offers them."""

    async def get_media(self, media_id: str) -> MediaInfoLike: ...

    def stream_media(self, url: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]: ...


@dataclass(frozen=True)
class Downloaded:
    """A verified copy of the media in a local spool file; the caller deletes `path`."""

    path: Path
    sha256: str
    size: int
    mime_type: str | None  # as Meta declared it (the checks sniff the real type)
    attempts: int


@dataclass(frozen=True)
class FetchFailed:
    """The media could not be had: `unavailable` after retries, or `too_large` at once."""

    reason: Reason
    error: str
    attempts: int
    detail: dict[str, Any] = field(default_factory=dict)


def _declared_size(value: int | str | None) -> int | None:
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def _digest_or_none(value: str | None, media_id: str) -> str | None:
    if not value:
        return None
    try:
        return normalize_sha256(value)
    except ValueError:
        log.warning("locker.media_sha256_unparsable", media_id=media_id, sha256=value[:80])
        return None


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


async def _download(source: MediaSource, url: str, limit: int, spool: Path | None) -> Downloaded:
    fd, name = await asyncio.to_thread(tempfile.mkstemp, prefix="loket-media-", dir=spool)
    path = Path(name)
    hasher, size, buffer = hashlib.sha256(), 0, bytearray()
    try:
        with os.fdopen(fd, "wb") as handle:
            async with source.stream_media(url) as chunks:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > limit:  # stop at once: the rest is never read
                        raise SizeLimitExceeded(limit)
                    hasher.update(chunk)
                    buffer += chunk
                    if len(buffer) >= _WRITE_BLOCK:
                        block, buffer = bytes(buffer), bytearray()
                        await asyncio.to_thread(handle.write, block)
            await asyncio.to_thread(handle.write, bytes(buffer))
    except BaseException:
        # Also on cancellation, where awaiting a thread is no longer possible: unlink is quick.
        _discard(path)
        raise
    return Downloaded(path, hasher.hexdigest(), size, None, 0)


async def download_media(
    source: MediaSource,
    media_id: str,
    *,
    limit: int,
    policy: LockerPolicy,
    declared_sha256: str | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Downloaded | FetchFailed:
    """Download `media_id` into a spool file, verified against Meta's SHA-256 when one is given."""
    failures = refreshes = attempts = 0
    while True:
        attempts += 1
        try:
            async with asyncio.timeout(policy.attempt_timeout_seconds):
                info = await source.get_media(media_id)
                size = _declared_size(info.file_size)
                if size is not None and size > limit:
                    detail = {"limit": limit, "size": size}
                    return FetchFailed(
                        Reason.TOO_LARGE, "declared size over limit", attempts, detail
                    )
                expected = _digest_or_none(info.sha256, media_id) or _digest_or_none(
                    declared_sha256, media_id
                )
                got = await _download(source, info.url, limit, policy.spool_dir)
            if expected is not None and got.sha256 != expected:
                _discard(got.path)
                raise DigestMismatch(expected, got.sha256)
            if expected is None and size is not None and got.size != size:
                _discard(got.path)
                raise OSError(f"download cut short: {got.size} of {size} bytes")
            return Downloaded(got.path, got.sha256, got.size, info.mime_type, attempts)
        except SizeLimitExceeded as exc:
            detail = {"limit": exc.limit}
            return FetchFailed(Reason.TOO_LARGE, "stream passed the limit", attempts, detail)
        except MediaGone as exc:
            log.warning("locker.media_gone", media_id=media_id, error=str(exc))
            return FetchFailed(Reason.UNAVAILABLE, f"gone: {exc}", attempts)
        except MediaUrlExpired as exc:
            refreshes += 1
            if refreshes <= policy.url_refreshes:
                continue  # a fresh URL right away: the old one simply timed out
            error: Exception = exc
        except Exception as exc:  # network, HTTP 5xx, timeouts, digest mismatch, client errors
            error = exc
        failures += 1
        log.warning(
            "locker.download_failed",
            media_id=media_id,
            attempt=attempts,
            error=f"{type(error).__name__}: {error}"[:300],
        )
        if failures >= policy.download_attempts:
            return FetchFailed(Reason.UNAVAILABLE, f"{type(error).__name__}: {error}", attempts)
        await sleep(policy.retry_delay(failures))
