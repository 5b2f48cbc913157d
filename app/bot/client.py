"""The Graph API client: send messages, read receipts and typing indicators; fetch and upload media.

It is deliberately thin: one shared `httpx.AsyncClient` (so tests inject a `MockTransport`), the
Bearer token on every call, Meta's error shape parsed into `GraphError`, transport failures turned
into `GraphNetworkError`. Retrying is not done here: the outbox decides per Meta error code.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from app.bot import messages
from app.bot.errors import (
    GraphError,
    GraphNetworkError,
    MediaGoneError,
    MediaUrlExpiredError,
    parse_retry_after,
)
from app.bot.sender import SendResult
from app.config import Settings

MEDIA_CHUNK_BYTES = 64 * 1024
# A media URL that answers these has expired (Meta: "after 5 minutes, query the ID again").
_EXPIRED_URL_STATUSES = frozenset({401, 403, 404})
_HEX_SHA256 = re.compile(r"[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class MediaInfo:
    """Meta's answer to `GET /{media_id}`, normalised.

    `sha256` is lowercase hex whether Meta sent hex or base64 (None if absent or unreadable);
    `file_size` is an int whether Meta sent a number or a string.
    """

    url: str
    mime_type: str
    sha256: str | None
    file_size: int | None


class GraphClient:
    """Async client of Meta's Cloud API for one business phone number."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient) -> None:
        if settings.whatsapp_access_token is None:
            raise ValueError("GraphClient needs WHATSAPP_ACCESS_TOKEN (live mode)")
        self._http = http
        self._root = f"{settings.whatsapp_api_base_url}/{settings.whatsapp_api_version}"
        self._messages_url = f"{self._root}/{settings.phone_number_id}/messages"
        self._media_url = f"{self._root}/{settings.phone_number_id}/media"
        token = settings.whatsapp_access_token.get_secret_value()
        self._auth = {"Authorization": f"Bearer {token}"}

    async def send(self, body: dict[str, Any]) -> SendResult:
        """POST one addressed body to `/messages`; the wamid Meta assigned, or None for receipts."""
        response = await self._request("POST", self._messages_url, json=body)
        payload = _json_object(response)
        if messages.is_status_body(body):
            if payload.get("success") is True:
                return SendResult(wamid=None)
        else:
            sent = payload.get("messages")
            if isinstance(sent, list) and sent and isinstance(sent[0], dict) and sent[0].get("id"):
                return SendResult(wamid=str(sent[0]["id"]))
        raise GraphError(
            code=None,
            http_status=response.status_code,
            message=f"unexpected success answer: {response.text[:200]}",
        )

    async def mark_read(self, wamid: str) -> None:
        """Mark an inbound message as read (blue ticks)."""
        await self.send(messages.read_receipt(wamid))

    async def typing(self, wamid: str) -> None:
        """Mark an inbound message as read and show the typing indicator."""
        await self.send(messages.typing_indicator(wamid))

    async def get_media(self, media_id: str) -> MediaInfo:
        """Look up a media id: a short-lived download URL, its type, checksum and size.

        Raises `MediaGoneError` when Meta no longer knows the id, `GraphError` otherwise.
        """
        try:
            response = await self._request("GET", f"{self._root}/{media_id}")
        except GraphNetworkError:
            raise
        except GraphError as exc:
            # Code 100 here is Meta's "Object with ID ... does not exist" (subcode 33).
            if exc.code == 100 or exc.http_status == 404:
                raise MediaGoneError(
                    code=exc.code,
                    details=exc.details,
                    http_status=exc.http_status,
                    fbtrace_id=exc.fbtrace_id,
                    message=exc.message,
                    error_type=exc.error_type,
                ) from exc
            raise
        payload = _json_object(response)
        url, mime_type = payload.get("url"), payload.get("mime_type")
        if not isinstance(url, str) or not url or not isinstance(mime_type, str):
            raise GraphError(
                code=None,
                http_status=response.status_code,
                message=f"media {media_id}: answer without url or mime_type",
            )
        return MediaInfo(
            url=url,
            mime_type=mime_type,
            sha256=normalise_sha256(payload.get("sha256")),
            file_size=_as_size(payload.get("file_size")),
        )

    async def upload_media(self, content: bytes, *, mime_type: str, filename: str) -> str:
        """Upload a file to `POST /{phone_number_id}/media`; the media id to send it by.

        Meta keeps an uploaded file for 30 days; the outbox uploads at send time, so a retry or a
        re-send simply uploads again."""
        response = await self._request(
            "POST",
            self._media_url,
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, content, mime_type)},
        )
        media_id = _json_object(response).get("id")
        if not isinstance(media_id, str) or not media_id:
            raise GraphError(
                code=None,
                http_status=response.status_code,
                message=f"media upload: answer without id: {response.text[:200]}",
            )
        return media_id

    def stream_media(self, url: str) -> AbstractAsyncContextManager[AsyncIterator[bytes]]:
        """Download a media URL with the Bearer token, as an async iterator of chunks.

        Raises `MediaUrlExpiredError` on 404/401/403 (fetch a fresh URL with `get_media`),
        `GraphError` on other error answers and `GraphNetworkError` on transport failures, also
        while iterating.
        """
        return self._stream(url)

    @asynccontextmanager
    async def _stream(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        try:
            async with self._http.stream("GET", url, headers=self._auth) as response:
                if response.status_code in _EXPIRED_URL_STATUSES:
                    raise MediaUrlExpiredError(url, response.status_code)
                if response.is_error:
                    content = await response.aread()
                    raise GraphError.from_response(response.status_code, content)
                yield _Chunks(response.aiter_bytes(MEDIA_CHUNK_BYTES))
        except httpx.TransportError as exc:
            raise GraphNetworkError(f"GET media: {exc!r}") from exc

    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, headers=self._auth, **kwargs)
        except httpx.TransportError as exc:
            raise GraphNetworkError(f"{method} {url}: {exc!r}") from exc
        if response.is_error:
            retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
            raise GraphError.from_response(
                response.status_code, response.content, retry_after=retry_after
            )
        return response


class _Chunks:
    """Byte chunks of a download; transport failures mid-stream become `GraphNetworkError`."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    def __aiter__(self) -> _Chunks:
        return self

    async def __anext__(self) -> bytes:
        try:
            return await self._chunks.__anext__()
        except httpx.TransportError as exc:
            raise GraphNetworkError(f"media download interrupted: {exc!r}") from exc


def normalise_sha256(value: Any) -> str | None:
    """Meta's media checksum as lowercase hex; it comes as hex or as base64 of the 32 bytes."""
    if not isinstance(value, str) or not value:
        return None
    if _HEX_SHA256.fullmatch(value):
        return value.lower()
    padded = value + "=" * (-len(value) % 4)
    for altchars in (None, b"-_"):
        try:
            raw = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        if len(raw) == 32:
            return raw.hex()
    return None


def _as_size(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise GraphError(
            code=None,
            http_status=response.status_code,
            message=f"answer is not a JSON object: {response.text[:200]}",
        )
    return payload
