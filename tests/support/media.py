"""Test doubles for the locker: a scripted Meta media source and byte-stream generators."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from app.locker.fetch import MediaGone, MediaInfo, MediaUrlExpired

CHUNK = 64 * 1024


def sample_key(byte: int) -> str:
    """A deterministic base64 encryption key for tests (32 identical bytes)."""
    return base64.b64encode(bytes([byte]) * 32).decode()


async def pattern_stream(size: int, chunk: int = CHUNK, seed: int = 0) -> AsyncIterator[bytes]:
    """`size` bytes generated chunk by chunk; never more than one chunk exists at a time."""
    block = hashlib.sha512(str(seed).encode()).digest() * (chunk // 64 + 1)
    sent = 0
    while sent < size:
        take = min(chunk, size - sent)
        # Vary each chunk by its offset so the content is not periodic.
        yield sent.to_bytes(8, "big") + block[8:take] if take > 8 else block[:take]
        sent += take


def pattern_sha256(size: int, chunk: int = CHUNK, seed: int = 0) -> str:
    """The digest `pattern_stream` would produce, computed without keeping the bytes."""
    block = hashlib.sha512(str(seed).encode()).digest() * (chunk // 64 + 1)
    digest = hashlib.sha256()
    sent = 0
    while sent < size:
        take = min(chunk, size - sent)
        digest.update(sent.to_bytes(8, "big") + block[8:take] if take > 8 else block[:take])
        sent += take
    return digest.hexdigest()


async def one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def chunked(data: bytes, size: int = CHUNK) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


class GraphUrlExpired(MediaUrlExpired):
    """What the Graph client raises on a 404 from a media URL (a subclass, as promised)."""


class FlakyNetwork(Exception):
    """Stands in for an httpx transport error."""


@dataclass
class FakeMedia:
    """One media item Meta holds: its bytes (or a stream factory) and what Meta says about it."""

    data: bytes | None = None
    stream: Callable[[], AsyncIterator[bytes]] | None = None
    mime_type: str = "image/jpeg"
    sha256: str | None = None  # as Meta would send it: hex or base64, or None
    file_size: int | str | None = None

    def chunks(self) -> AsyncIterator[bytes]:
        if self.stream is not None:
            return self.stream()
        assert self.data is not None
        return chunked(self.data)


@dataclass
class FakeMediaSource:
    """A `MediaSource` in plain Python.

    `script` lists what the next downloads do, in order: "expired" (404 on the URL), "error"
    (network failure), "cut" (the stream breaks half-way), "corrupt" (wrong bytes), "ok".
    When the script runs out every download succeeds.
    """

    media: dict[str, FakeMedia] = field(default_factory=dict)
    script: list[str] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    lookups: int = 0
    downloads: int = 0
    urls: list[str] = field(default_factory=list)

    def add(self, media_id: str, data: bytes, **info: object) -> FakeMedia:
        item = FakeMedia(data=data, **info)  # type: ignore[arg-type]
        self.media[media_id] = item
        return item

    async def get_media(self, media_id: str) -> MediaInfo:
        self.lookups += 1
        if media_id in self.gone or media_id not in self.media:
            raise MediaGone(media_id)
        item = self.media[media_id]
        url = f"https://lookaside.test/{media_id}?v={self.lookups}"
        return MediaInfo(url, item.mime_type, item.sha256, item.file_size)

    @asynccontextmanager
    async def stream_media(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        self.downloads += 1
        self.urls.append(url)
        media_id = url.split("/")[-1].split("?")[0]
        step = self.script.pop(0) if self.script else "ok"
        if step == "expired":
            raise GraphUrlExpired(url)
        if step == "error":
            raise FlakyNetwork("connection reset")
        item = self.media[media_id]
        yield _shaped(item.chunks(), step)


async def _shaped(chunks: AsyncIterator[bytes], step: str) -> AsyncIterator[bytes]:
    sent = 0
    async for chunk in chunks:
        if step == "corrupt" and sent == 0:
            chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
        sent += len(chunk)
        yield chunk
        if step == "cut":
            raise FlakyNetwork("stream broken")


def b64_sha256(data: bytes) -> str:
    """A digest in the base64 spelling Meta's webhooks use."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


class SleepRecorder:
    """An injectable `sleep` that records the delays asked for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
