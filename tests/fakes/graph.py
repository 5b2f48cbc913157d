"""A fake of Meta's Graph API behind an `httpx.MockTransport`, for every test that talks to Meta.

It answers like the Cloud API (reference §3–§5): `POST /{version}/{phone_number_id}/messages`
gives `{"messaging_product", "contacts", "messages": [{"id": "wamid.FAKE<n>"}]}` (or
`{"success": true}` for read receipts and typing indicators), `GET /{version}/{media_id}` gives a
short-lived media URL, and that URL gives the bytes. Every request is recorded with its parsed
JSON so tests assert the EXACT body sent. The Bearer token is checked on every call: a wrong or
missing one gets Meta's 401 with code 190, and the media URL a bare 401.

Scripting, for the unhappy paths:
- `fail_next(code, times=, http_status=)`: Meta's error shape for the next calls to a route;
- `fail_http(status, times=, body=, headers=)`: an error without Meta's shape (a proxy's 502, a
  bare 429 with an empty body and a `Retry-After` header);
- `fail_network(times=)`: the connection fails (`httpx.ConnectError` by default);
- `add_media(..., expire_first_url=True)` / `expire_media_urls(id)`: the URL answers 404;
- `before_send`: an async hook awaited on every `/messages` call before it is answered, to
  interleave concurrent workers or to hold a call forever ("the process dies mid-send").
- `stall_download(media_id)`: its downloads send half the bytes, then hang until the returned
  event is set (a slow connection, or a process that dies mid-download); `media.stalled` is set
  once a download hangs there, `downloads_hanging` / `most_downloads_hanging` count them.

Flow messages are checked as Meta checks them (`tests/fakes/graph_flow_messages.py`): a malformed
interactive `flow` gets error 100, and a template named in `flow_templates` sent without its FLOW
button component gets 131009.

The Flows API (list, create, update metadata, upload Flow JSON, publish) lives in `fake.flows`
(`tests/fakes/graph_flows.py`); its multipart uploads are recorded parsed in `form`.

Usage: `fake = FakeGraphAPI.for_settings(live_settings)`; `httpx.AsyncClient(transport=
fake.transport())` (or `fake.client()`); `GraphClient(live_settings, client)`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import httpx

from app.config import DEFAULT_API_VERSION, Settings
from tests.fakes.graph_flow_messages import flow_message_problem, flow_template_problem
from tests.fakes.graph_flows import DEFAULT_WABA_ID, FLOW_ROUTES, FakeFlows, parse_multipart

Route = Literal[
    "messages",
    "media_info",
    "media_download",
    "media_upload",
    "flows_list",
    "flows_create",
    "flow_update",
    "flow_assets",
    "flow_publish",
]
DEFAULT_TOKEN = "test-access-token"
DEFAULT_PHONE_NUMBER_ID = "106540352242922"

# Titles Meta uses for the codes the outbox handles; anything else gets a generic message.
META_MESSAGES = {
    0: "AuthException: Unable to authenticate the app user",
    4: "Application request limit reached",
    100: "Invalid parameter",
    131000: "Something went wrong",
    131008: "Required parameter is missing",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    130429: "Rate limit hit",
    131057: "Account in maintenance mode",
    190: "Invalid OAuth access token - Cannot parse access token",
}


@dataclass
class RecordedRequest:
    """One request the fake received, and the HTTP status it answered (None: network error)."""

    method: str
    url: str
    path: str
    headers: httpx.Headers
    json: Any
    route: str
    status: int | None = None
    form: dict[str, Any] | None = None  # a parsed multipart body (Flow JSON uploads)


@dataclass(frozen=True)
class UploadedMedia:
    """A file Loket uploaded to `/{phone_number_id}/media` (to send as a document)."""

    media_id: str
    filename: str
    mime_type: str
    content: bytes


@dataclass
class FakeMedia:
    """A media object known to the fake, and the download URLs issued for it so far."""

    media_id: str
    content: bytes
    mime_type: str
    sha256: str | None
    file_size: int | str
    urls: list[str] = field(default_factory=list)
    expired: set[str] = field(default_factory=set)
    expire_first_url: bool = False
    downloads: int = 0
    hold: asyncio.Event | None = None  # see FakeGraphAPI.stall_download
    stalled: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class _Script:
    route: Route
    times: int
    answer: Callable[[httpx.Request], httpx.Response]


class FakeGraphAPI:
    """Meta's Graph API as a `MockTransport` handler; see the module docstring."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
        version: str = DEFAULT_API_VERSION,
        base_url: str = "http://graph.test",
        media_base_url: str = "http://media.test",
        waba_id: str = DEFAULT_WABA_ID,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self.version = version
        self.graph_host = urlsplit(base_url).netloc
        self.media_base_url = media_base_url.rstrip("/")
        self.media_host = urlsplit(media_base_url).netloc
        self.requests: list[RecordedRequest] = []
        self.media: dict[str, FakeMedia] = {}
        self.before_send: Callable[[RecordedRequest], Awaitable[None]] | None = None
        self._scripts: list[_Script] = []
        self._wamids = itertools.count(1)
        self._url_serial = itertools.count(1)
        self._upload_serial = itertools.count(1)
        # Files uploaded to `/{phone_number_id}/media`, by the media id the fake gave them.
        self.uploads: dict[str, UploadedMedia] = {}
        self.downloads_hanging = 0
        self.most_downloads_hanging = 0
        self.flows = FakeFlows(version, waba_id, meta_error)
        # Names of approved templates with a FLOW button: sent without it, Meta answers 131009.
        self.flow_templates: set[str] = set()

    @classmethod
    def for_settings(cls, settings: Settings, **kwargs: Any) -> FakeGraphAPI:
        """A fake expecting exactly the token, number id, version and base URL of `settings`."""
        token = settings.whatsapp_access_token
        return cls(
            token=token.get_secret_value() if token is not None else DEFAULT_TOKEN,
            phone_number_id=settings.phone_number_id,
            version=settings.whatsapp_api_version,
            base_url=settings.whatsapp_api_base_url,
            waba_id=settings.whatsapp_business_account_id or DEFAULT_WABA_ID,
            **kwargs,
        )

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self) -> httpx.AsyncClient:
        """A client on this fake; the caller closes it."""
        return httpx.AsyncClient(transport=self.transport(), follow_redirects=True)

    # --- what was sent -------------------------------------------------------------------------

    @property
    def message_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.route == "messages"]

    @property
    def sent_bodies(self) -> list[Any]:
        """JSON bodies of every `/messages` call, accepted or not, in order."""
        return [r.json for r in self.message_requests]

    @property
    def accepted_bodies(self) -> list[Any]:
        """JSON bodies of the `/messages` calls answered 200, in order."""
        return [r.json for r in self.message_requests if r.status == 200]

    # --- scripting -----------------------------------------------------------------------------

    def fail_next(
        self,
        code: int,
        *,
        times: int = 1,
        http_status: int = 400,
        details: str | None = None,
        message: str | None = None,
        route: Route = "messages",
    ) -> None:
        """Answer the next `times` calls to `route` with Meta's error `code`."""
        text = message or f"(#{code}) {META_MESSAGES.get(code, 'Error')}"

        def answer(request: httpx.Request) -> httpx.Response:
            return meta_error(code, text, http_status=http_status, details=details)

        self._scripts.append(_Script(route, times, answer))

    def fail_http(
        self,
        http_status: int,
        *,
        times: int = 1,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        route: Route = "messages",
    ) -> None:
        """Answer the next calls with a bare HTTP error, as a proxy in between would.

        `body=None` gives a proxy's HTML page; `body=b""` an empty body (a bare 429).
        """
        content = f"<html>{http_status} Bad Gateway</html>".encode() if body is None else body
        extra = dict(headers or {})
        self._scripts.append(
            _Script(
                route,
                times,
                lambda request: httpx.Response(http_status, content=content, headers=extra),
            )
        )

    def fail_network(
        self,
        *,
        times: int = 1,
        error: type[httpx.TransportError] = httpx.ConnectError,
        route: Route = "messages",
    ) -> None:
        """Make the next calls fail without an answer."""

        def answer(request: httpx.Request) -> httpx.Response:
            raise error("fake network failure", request=request)

        self._scripts.append(_Script(route, times, answer))

    def add_media(
        self,
        media_id: str,
        content: bytes,
        *,
        mime_type: str = "image/jpeg",
        sha256_as: Literal["hex", "base64", "none"] = "hex",
        file_size_as: Literal["int", "str"] = "int",
        expire_first_url: bool = False,
    ) -> FakeMedia:
        """Make `media_id` known; its checksum comes as hex or base64, its size as int or str."""
        digest = hashlib.sha256(content).digest()
        sha256 = {"hex": digest.hex(), "base64": base64.b64encode(digest).decode(), "none": None}
        size: int | str = len(content) if file_size_as == "int" else str(len(content))
        media = FakeMedia(media_id, content, mime_type, sha256[sha256_as], size)
        media.expire_first_url = expire_first_url
        self.media[media_id] = media
        return media

    def stall_download(self, media_id: str) -> asyncio.Event:
        """Downloads of `media_id` send half its bytes, then wait until the event is set."""
        media = self.media[media_id]
        media.hold = asyncio.Event()
        return media.hold

    def expire_media_urls(self, media_id: str) -> None:
        """Every URL issued so far for `media_id` answers 404 from now on."""
        media = self.media[media_id]
        media.expired.update(media.urls)

    # --- the handler ---------------------------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        recorded = self._record(request)
        try:
            if recorded.route == "messages" and self.before_send is not None:
                await self.before_send(recorded)
            response = self._scripted(recorded.route, request) or self._answer(recorded, request)
        except httpx.TransportError:
            recorded.status = None
            raise
        recorded.status = response.status_code
        return response

    def _record(self, request: httpx.Request) -> RecordedRequest:
        try:
            payload = json.loads(request.content) if request.content else None
        except ValueError:
            payload = None
        host, path = request.url.netloc.decode(), request.url.path
        if host == self.media_host:
            route = "media_download"
        elif request.method == "POST" and path.endswith("/messages"):
            route = "messages"
        elif request.method == "POST" and path.endswith("/media"):
            route = "media_upload"
        else:
            route = self.flows.route(request.method, path) or "media_info"
        recorded = RecordedRequest(
            request.method, str(request.url), path, request.headers, payload, route
        )
        if route in ("flow_assets", "media_upload"):
            recorded.form = parse_multipart(request)
        self.requests.append(recorded)
        return recorded

    def _scripted(self, route: str, request: httpx.Request) -> httpx.Response | None:
        for script in self._scripts:
            if script.route == route and script.times > 0:
                script.times -= 1
                return script.answer(request)
        return None

    def _answer(self, recorded: RecordedRequest, request: httpx.Request) -> httpx.Response:
        authorised = request.headers.get("authorization") == f"Bearer {self.token}"
        if recorded.route == "media_download":
            return self._download(request) if authorised else httpx.Response(401)
        if not authorised:
            return meta_error(190, f"(#190) {META_MESSAGES[190]}", http_status=401)
        if recorded.route == "messages":
            return self._messages(recorded)
        if recorded.route == "media_upload":
            return self._upload(recorded)
        if recorded.route in FLOW_ROUTES:
            return self.flows.answer(recorded.route, request, recorded.form)
        return self._media_info(recorded)

    def _messages(self, recorded: RecordedRequest) -> httpx.Response:
        if recorded.path != f"/{self.version}/{self.phone_number_id}/messages":
            return meta_error(100, f"Unsupported post request: {recorded.path}")
        body = recorded.json
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            return meta_error(100, "(#100) The parameter messaging_product is required.")
        if body.get("status") == "read":
            if not body.get("message_id"):
                return meta_error(100, "(#100) The parameter message_id is required.")
            return httpx.Response(200, json={"success": True})
        kind = body.get("type")
        if not isinstance(kind, str) or kind not in body:
            return meta_error(100, "(#100) Param type and its object are required.")
        problem = flow_message_problem(body)
        if problem is not None:
            return meta_error(100, problem)
        problem = flow_template_problem(body, self.flow_templates)
        if problem is not None:
            return meta_error(131009, problem)
        if "to" in body:
            contact = {"input": body["to"], "wa_id": str(body["to"]).lstrip("+")}
        elif "recipient" in body:
            contact = {"input": body["recipient"], "user_id": body["recipient"]}
        else:
            return meta_error(100, "(#100) The parameter to is required.")
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "contacts": [contact],
                "messages": [{"id": f"wamid.FAKE{next(self._wamids)}"}],
            },
        )

    def _upload(self, recorded: RecordedRequest) -> httpx.Response:
        """`POST /{phone_number_id}/media`: the file is kept (in `uploads`) under a new id."""
        if recorded.path != f"/{self.version}/{self.phone_number_id}/media":
            return meta_error(100, f"Unsupported post request: {recorded.path}")
        form = recorded.form or {}
        file = form.get("file")
        if form.get("messaging_product") != "whatsapp" or not isinstance(file, tuple):
            return meta_error(100, "(#100) The parameters messaging_product and file are required.")
        filename, mime_type, content = file
        media_id = f"media.UPLOAD{next(self._upload_serial)}"
        self.uploads[media_id] = UploadedMedia(media_id, filename, mime_type, content)
        return httpx.Response(200, json={"id": media_id})

    def _media_info(self, recorded: RecordedRequest) -> httpx.Response:
        media_id = recorded.path.removeprefix(f"/{self.version}/")
        media = self.media.get(media_id)
        if recorded.method != "GET" or media is None:
            return meta_error(
                100, f"Unsupported get request. Object with ID '{media_id}' does not exist."
            )
        serial = next(self._url_serial)
        url = f"{self.media_base_url}/whatsapp_business/attachments/?mid={media_id}&n={serial}"
        if media.expire_first_url and not media.urls:
            media.expired.add(url)
        media.urls.append(url)
        answer: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "url": url,
            "mime_type": media.mime_type,
            "file_size": media.file_size,
            "id": media_id,
        }
        if media.sha256 is not None:
            answer["sha256"] = media.sha256
        return httpx.Response(200, json=answer)

    def _download(self, request: httpx.Request) -> httpx.Response:
        media_id = parse_qs(urlsplit(str(request.url)).query).get("mid", [""])[0]
        media = self.media.get(media_id)
        if media is None or str(request.url) in media.expired or str(request.url) not in media.urls:
            return httpx.Response(404, content=b"URL signature expired")
        media.downloads += 1
        headers = {"content-type": media.mime_type}
        if media.hold is not None:
            return httpx.Response(200, content=self._hanging(media), headers=headers)
        return httpx.Response(200, content=media.content, headers=headers)

    async def _hanging(self, media: FakeMedia) -> AsyncIterator[bytes]:
        assert media.hold is not None
        half = len(media.content) // 2
        yield media.content[:half]
        self.downloads_hanging += 1
        self.most_downloads_hanging = max(self.most_downloads_hanging, self.downloads_hanging)
        media.stalled.set()
        try:
            await media.hold.wait()
        finally:
            self.downloads_hanging -= 1
        yield media.content[half:]


def meta_error(
    code: int, message: str, *, http_status: int = 400, details: str | None = None
) -> httpx.Response:
    """Meta's error answer: `{"error": {"message", "type", "code", "error_data", "fbtrace_id"}}`."""
    return httpx.Response(
        http_status,
        json={
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_data": {"messaging_product": "whatsapp", "details": details or message},
                "fbtrace_id": f"AFakeTrace{code}",
            }
        },
    )
