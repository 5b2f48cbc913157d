"""Media in sandbox mode: files the simulator uploads, served like Meta's media endpoints."""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.locker.fetch import MediaGone, MediaInfo

CHUNK = 64 * 1024
KEEP = 200  # uploads remembered; Meta keeps webhook media 7 days, the simulator needs minutes


class SandboxMedia:
    """An in-memory `MediaSource`: `add()` returns a media id the locker can then fetch."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[bytes, str]] = OrderedDict()

    def add(self, content: bytes, mime_type: str) -> tuple[str, str]:
        """Keep an upload; return its media id and SHA-256 (hex), as a webhook would carry them."""
        media_id = f"sandbox-{uuid.uuid4().hex}"
        self._items[media_id] = (content, mime_type)
        while len(self._items) > KEEP:
            self._items.popitem(last=False)
        return media_id, hashlib.sha256(content).hexdigest()

    async def get_media(self, media_id: str) -> MediaInfo:
        if media_id not in self._items:
            raise MediaGone(media_id)
        content, mime_type = self._items[media_id]
        return MediaInfo(
            url=f"sandbox:{media_id}",
            mime_type=mime_type,
            sha256=hashlib.sha256(content).hexdigest(),
            file_size=len(content),
        )

    @asynccontextmanager
    async def stream_media(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        media_id = url.removeprefix("sandbox:")
        if media_id not in self._items:
            raise MediaGone(media_id)
        content = self._items[media_id][0]

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(content), CHUNK):
                yield content[start : start + CHUNK]

        yield chunks()
