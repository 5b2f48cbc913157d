"""A file picked in a form, checked while the resident is still in it.

Two steps, so no database transaction is ever open while the network is used:

1. `fetch_and_check` (network and CPU, no database): download the encrypted file from
   WhatsApp's CDN through the application's httpx client (tests put the fake there), size-capped
   and without following redirects; verify and decrypt it (`media_crypto`); then run the
   locker's intake checks (type by magic bytes, size, blur, darkness, PDF sanity) on the
   plaintext exactly as for a photo sent in chat. Nothing is written.
2. `keep` (database and store): record the checked copy as the resident's locker document,
   idempotently per WhatsApp media id (`flow:<media_id>`), so a tap repeated after a timeout
   does not store the file twice. Only a file the checks accepted gets here.

CDN addresses are WhatsApp's own in live mode (https, a WhatsApp or Facebook CDN host): the
address comes from a request body, and the endpoint must not fetch whatever it is told.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import (
    BlobStore,
    CheckedUpload,
    Document,
    DocumentRequirement,
    LockerPolicy,
    check_upload,
    ingest_checked,
)
from app.whatsapp_flows.media_crypto import (
    BLOCK_BYTES,
    MAC_BYTES,
    EncryptionMetadata,
    MediaRefused,
    decrypt_media,
)

CDN_HOST_SUFFIXES = ("whatsapp.net", "fbcdn.net")
_CHUNK = 256 * 1024


@dataclass(frozen=True)
class FlowFile:
    """One picker value sent to the endpoint."""

    media_id: str
    cdn_url: str
    file_name: str | None
    metadata: Any  # the raw `encryption_metadata`, parsed when the file is checked

    @classmethod
    def parse(cls, raw: Any) -> FlowFile | None:
        """The file described by `raw`, or None when it is not a picker value."""
        if not isinstance(raw, dict):
            return None
        media_id, url = raw.get("media_id"), raw.get("cdn_url")
        if not isinstance(media_id, str) or not media_id or not isinstance(url, str):
            return None
        name = raw.get("file_name")
        return cls(
            media_id[:128],
            url,
            name if isinstance(name, str) else None,
            raw.get("encryption_metadata"),
        )


@dataclass(frozen=True)
class CheckedFile:
    """A form file after download, decryption and the intake checks.

    `problem` is None when the file may be kept: `checked` then holds the verified plaintext
    copy and the checks' verdict. Otherwise it is `damaged` (failed verification: `step` says
    which), `unavailable` (could not be downloaded) or the locker's refusal reason (`blurred`,
    `wrong_type`, …); the caller discards `checked`, if any, with `discard()`.
    """

    file: FlowFile
    problem: str | None
    step: str | None = None
    checked: CheckedUpload | None = None

    async def discard(self) -> None:
        if self.checked is not None:
            await self.checked.discard()


class _PlainFile:
    """Decrypted bytes as the locker's `UploadedFile` (the checks sniff the type themselves)."""

    content_type: str | None = None

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 0
        self.size: int | None = len(data)

    async def read(self, size: int = -1) -> bytes:
        end = len(self._data) if size < 0 else self._position + size
        chunk = self._data[self._position : end]
        self._position += len(chunk)
        return chunk

    async def seek(self, offset: int) -> None:
        self._position = offset


class CdnRefused(Exception):
    """The CDN address is not one we fetch from, or the download failed."""


def allowed_cdn_url(url: str, *, live: bool) -> bool:
    """Whether the endpoint may fetch `url`: WhatsApp's CDN over https in live mode; in sandbox
    mode any http(s) address (the simulator serves its own CDN)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return False
    if not live:
        return parts.scheme in ("http", "https")
    return parts.scheme == "https" and any(
        host == suffix or host.endswith("." + suffix) for suffix in CDN_HOST_SUFFIXES
    )


async def download(http: httpx.AsyncClient, url: str, limit: int) -> bytes:
    """The CDN file's bytes, at most `limit`; raises `CdnRefused`."""
    received = bytearray()
    try:
        async with http.stream("GET", url, follow_redirects=False) as response:
            if response.status_code != 200:
                raise CdnRefused(f"the CDN answered {response.status_code}")
            async for chunk in response.aiter_bytes(_CHUNK):
                received += chunk
                if len(received) > limit:
                    raise CdnRefused(f"the file is larger than {limit} bytes")
    except httpx.HTTPError as exc:
        raise CdnRefused(f"{type(exc).__name__}: {exc}") from None
    return bytes(received)


async def fetch_and_check(
    file: FlowFile,
    *,
    http: httpx.AsyncClient,
    requirement: DocumentRequirement,
    policy: LockerPolicy,
    live: bool,
) -> CheckedFile:
    """Download, verify, decrypt and check one form file; writes nothing (see module doc)."""
    try:
        metadata = EncryptionMetadata.parse(file.metadata)
    except MediaRefused as exc:
        return CheckedFile(file, "damaged", exc.step)
    if not allowed_cdn_url(file.cdn_url, live=live):
        return CheckedFile(file, "damaged", "cdn_url")
    # The ciphertext is the padded file plus the MAC: a file at the limit still fits.
    limit = policy.size_limit(requirement, None) + BLOCK_BYTES + MAC_BYTES
    try:
        blob = await download(http, file.cdn_url, limit)
    except CdnRefused:
        return CheckedFile(file, "unavailable", "download")
    try:
        plain = await asyncio.to_thread(decrypt_media, blob, metadata)
    except MediaRefused as exc:
        return CheckedFile(file, "damaged", exc.step)
    checked = await check_upload(_PlainFile(plain), requirement, policy=policy)
    if not checked.verdict.accepted:
        await checked.discard()
        return CheckedFile(file, str(checked.verdict.reason), "intake")
    return CheckedFile(file, None, None, checked)


async def keep(
    session: AsyncSession,
    store: BlobStore,
    checked: CheckedFile,
    *,
    resident_id: int,
    requirement: DocumentRequirement,
    policy: LockerPolicy,
    now: datetime,
) -> Document:
    """Store an accepted form file as the resident's document (committed); see module doc."""
    assert checked.checked is not None and checked.problem is None
    return await ingest_checked(
        session,
        store,
        checked.checked.fetched,
        checked.checked.inspection,
        resident_id=resident_id,
        requirement=requirement,
        media_id=f"flow:{checked.file.media_id}",
        policy=policy,
        clock=lambda: now,
    )
