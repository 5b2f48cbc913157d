"""Media in sandbox mode: the files a simulated phone uploads, served like Meta's media endpoints.

Live, a resident's phone uploads a photo to WhatsApp, the webhook carries its media id, and the
media worker asks `GET /{media_id}` for a URL and downloads it. In sandbox mode the simulator puts
the upload here and the media worker fetches it through the same `MediaSource` seam, so the
locker's intake checks run exactly as live. Files are kept under the var dir (a restart, or a
`loket worker` sharing the var dir, still finds them) for `KEEP_SECONDS`, like Meta's own expiry.

Like Meta, the store decides the type from the bytes, not from the name, and refuses a file over
the Cloud API's limit for its message type.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from app.locker import META_MEDIA_LIMITS, MediaGone, MediaInfo

CHUNK = 64 * 1024
KEEP_SECONDS = 7 * 24 * 3600
URL_PREFIX = "sandbox:"
_MEDIA_ID = re.compile(r"^sandbox-[0-9a-f]{32}$")
# A MIME type as a browser declares it ("audio/webm;codecs=opus"): kept only if it looks like one.
_DECLARED = re.compile(r"^[a-z]+/[a-z0-9.+-]+(;\s*[a-z]+=[a-z0-9.+-]+)?$")
# What a phone sends as a photo message; anything else picked from the gallery goes as a document.
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})

WANT_PHOTO, WANT_DOCUMENT, WANT_VOICE = "photo", "document", "voice"


class MediaRefused(ValueError):
    """The upload cannot become a WhatsApp message: empty, over Meta's limit for its type, or a
    "voice note" that is not audio."""

    def __init__(self, reason: str, *, limit: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


@dataclass(frozen=True)
class StoredMedia:
    """One kept upload: what a webhook's media object carries about it."""

    media_id: str
    message_type: str  # "image", "document", "audio" or "video"
    mime_type: str
    sha256: str  # hex
    size: int
    filename: str | None
    created_at: float

    @property
    def sha256_base64(self) -> str:
        """The digest as Meta writes it in webhooks (base64 of the raw SHA-256)."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()


def message_type_for(want: str, mime_type: str) -> str:
    """The message a phone makes of a file: a photo, a voice note, a video or a document."""
    if want == WANT_VOICE:
        return "audio"
    if want == WANT_PHOTO and mime_type in PHOTO_TYPES:
        return "image"
    if want == WANT_PHOTO and mime_type.startswith("video/"):
        return "video"
    return "document"


class SandboxMedia:
    """A `MediaSource` over a folder: `add()` keeps an upload and returns its media id."""

    def __init__(self, root: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._root = root
        self._clock = clock

    def add(
        self,
        source: BinaryIO,
        *,
        want: str,
        declared_mime: str | None = None,
        filename: str | None = None,
    ) -> StoredMedia:
        """Keep the file read from `source` (blocking: call it in a worker thread).

        The first bytes decide the type and so the limit; the rest is streamed to disk, hashed on
        the way, and refused as soon as it passes the limit.
        """
        self._root.mkdir(parents=True, exist_ok=True)
        self._prune()
        head = source.read(CHUNK)
        if not head:
            raise MediaRefused("empty")
        mime_type = _mime_type(head, declared_mime, want)
        if want == WANT_VOICE and not mime_type.startswith("audio/"):
            raise MediaRefused("not_audio")
        message_type = message_type_for(want, mime_type)
        limit = META_MEDIA_LIMITS[message_type]
        media_id = f"sandbox-{uuid.uuid4().hex}"
        partial = self._root / f"{media_id}.part"
        digest, size = hashlib.sha256(), 0
        try:
            with partial.open("wb") as out:
                chunk = head
                while chunk:
                    size += len(chunk)
                    if size > limit:
                        raise MediaRefused("too_large", limit=limit)
                    digest.update(chunk)
                    out.write(chunk)
                    chunk = source.read(CHUNK)
            stored = StoredMedia(
                media_id=media_id,
                message_type=message_type,
                mime_type=mime_type,
                sha256=digest.hexdigest(),
                size=size,
                filename=_clean_filename(filename),
                created_at=self._clock(),
            )
            self._meta_path(media_id).write_text(json.dumps(asdict(stored)), "utf-8")
            partial.rename(self._data_path(media_id))
        finally:
            partial.unlink(missing_ok=True)
        return stored

    def find(self, media_id: str) -> tuple[StoredMedia, Path] | None:
        """The upload and its file, or None when unknown or expired (blocking, tiny read)."""
        if not _MEDIA_ID.match(media_id):
            return None
        data, meta = self._data_path(media_id), self._meta_path(media_id)
        if not data.exists() or not meta.exists():
            return None
        stored = StoredMedia(**json.loads(meta.read_text("utf-8")))
        if self._clock() - stored.created_at > KEEP_SECONDS:
            return None
        return stored, data

    async def get_media(self, media_id: str) -> MediaInfo:
        """What Meta's `GET /{media_id}` answers."""
        found = await asyncio.to_thread(self.find, media_id)
        if found is None:
            raise MediaGone(media_id)
        stored = found[0]
        return MediaInfo(
            url=f"{URL_PREFIX}{media_id}",
            mime_type=stored.mime_type,
            sha256=stored.sha256,
            file_size=stored.size,
        )

    @asynccontextmanager
    async def stream_media(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        """The file behind a URL from `get_media`, in chunks."""
        found = await asyncio.to_thread(self.find, url.removeprefix(URL_PREFIX))
        if found is None:
            raise MediaGone(url)
        handle = await asyncio.to_thread(found[1].open, "rb")

        async def chunks() -> AsyncIterator[bytes]:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk

        try:
            yield chunks()
        finally:
            handle.close()

    def _prune(self) -> None:
        cutoff = self._clock() - KEEP_SECONDS
        for path in self._root.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
            except OSError:  # another process pruned it first
                continue

    def _data_path(self, media_id: str) -> Path:
        return self._root / f"{media_id}.bin"

    def _meta_path(self, media_id: str) -> Path:
        return self._root / f"{media_id}.json"


def _mime_type(head: bytes, declared: str | None, want: str) -> str:
    """The sniffed type; for a voice note the recorder's own audio type (WebM audio sniffs as
    video); the sender's declared type only when the bytes say nothing."""
    cleaned = (declared or "").strip().lower()
    declared_ok = bool(_DECLARED.match(cleaned))
    if want == WANT_VOICE and declared_ok and cleaned.startswith("audio/"):
        return cleaned
    kind = filetype.guess(head)
    if kind is not None:
        return str(kind.mime)
    return cleaned if declared_ok else "application/octet-stream"


def _clean_filename(name: str | None) -> str | None:
    # A browser sends the bare name; keep it printable and short, as WhatsApp shows it.
    if not name:
        return None
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()[:200]
    return cleaned or None
