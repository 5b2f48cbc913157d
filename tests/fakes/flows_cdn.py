"""A fake of WhatsApp's media CDN for files picked in a Flow and sent to the data endpoint.

`add(plaintext)` encrypts a file the way WhatsApp does (reference §6.3: AES-256-CBC with PKCS#7,
then the first 10 bytes of HMAC-SHA256(hmac_key, iv || ciphertext) appended), keeps the CDN file
at `https://mmg.whatsapp.net/v/t62/<n>` and returns the picker value the client would send:
`{media_id, cdn_url, file_name, encryption_metadata}`. The encryption is written here with the
`cryptography` primitives, not taken from the application, so the endpoint is tested against an
independent implementation. `tamper(url, position)` flips one byte of a stored file;
`stall(url)` makes its downloads hang.

`transport(fallback)` answers the CDN's host itself and hands every other request to
`fallback` (the fake Graph API), so one application transport serves both.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import os
import uuid
from typing import Any

import httpx
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

CDN_HOST = "mmg.whatsapp.net"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class FakeFlowsCdn:
    """Encrypted files by URL; every GET recorded in `downloads`."""

    def __init__(self, host: str = CDN_HOST) -> None:
        self.host = host
        self.files: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self._numbers = itertools.count(1)
        self._stalled: dict[str, asyncio.Event] = {}

    def add(self, plaintext: bytes, file_name: str = "IMG_0001.jpg") -> dict[str, Any]:
        """Store `plaintext` encrypted; the picker value pointing at it."""
        key, mac_key, iv = os.urandom(32), os.urandom(32), os.urandom(16)
        padder = padding.PKCS7(128).padder()
        padded = padder.update(plaintext) + padder.finalize()
        encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
        ciphertext = encryptor.update(padded) + encryptor.finalize()
        mac = hmac.new(mac_key, iv + ciphertext, hashlib.sha256).digest()[:10]
        blob = ciphertext + mac
        url = f"https://{self.host}/v/t62/{next(self._numbers)}"
        self.files[url] = blob
        return {
            "media_id": str(uuid.uuid4()),
            "cdn_url": url,
            "file_name": file_name,
            "encryption_metadata": {
                "encrypted_hash": _b64(hashlib.sha256(blob).digest()),
                "iv": _b64(iv),
                "encryption_key": _b64(key),
                "hmac_key": _b64(mac_key),
                "plaintext_hash": _b64(hashlib.sha256(plaintext).digest()),
            },
        }

    def tamper(self, url: str, position: int) -> None:
        """Flip every bit of one byte of the stored file (negative positions count from the end)."""
        blob = bytearray(self.files[url])
        blob[position] ^= 0xFF
        self.files[url] = bytes(blob)

    def stall(self, url: str) -> asyncio.Event:
        """Downloads of `url` hang until the returned event is set (a CDN that does not answer)."""
        self._stalled[url] = asyncio.Event()
        return self._stalled[url]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.downloads.append(url)
        if url in self._stalled:
            await self._stalled[url].wait()
        blob = self.files.get(url)
        if blob is None:
            return httpx.Response(404)
        return httpx.Response(
            200, content=blob, headers={"content-type": "application/octet-stream"}
        )

    def transport(self, fallback: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """Answer the CDN host here, everything else through `fallback`."""
        cdn = self

        class _Split(httpx.AsyncBaseTransport):
            async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.host == cdn.host:
                    return await cdn.handle(request)
                return await fallback.handle_async_request(request)

        return _Split()
