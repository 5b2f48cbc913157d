"""The Graph API client against the fake Graph API: exact requests, parsed errors, media."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.bot import messages
from app.bot.client import MEDIA_CHUNK_BYTES, GraphClient, MediaInfo, normalise_sha256
from app.bot.errors import (
    GraphError,
    GraphNetworkError,
    MediaGoneError,
    MediaUrlExpiredError,
)
from app.bot.sender import SendResult
from app.locker import MediaGone, MediaUrlExpired
from tests.fakes.graph import FakeGraphAPI

PHOTO = b"\xff\xd8\xff\xe0" + b"synthetic jpeg bytes " * 5000  # about 100 KB, several chunks
BEARER = "Bearer test-access-token"


@pytest.fixture
def fake(live_settings) -> FakeGraphAPI:
    return FakeGraphAPI.for_settings(live_settings)


@pytest.fixture
async def client(fake, live_settings) -> AsyncIterator[GraphClient]:
    async with fake.client() as http:
        yield GraphClient(live_settings, http)


async def test_send_posts_the_exact_body_with_the_token(fake, client):
    body = messages.address_body(messages.text("Halo")[0], _Person("6289900000001", None))

    result = await client.send(body)

    assert result == SendResult(wamid="wamid.FAKE1")
    (request,) = fake.requests
    assert (request.method, request.url) == (
        "POST",
        "http://graph.test/v25.0/106540352242922/messages",
    )
    assert request.headers["authorization"] == BEARER
    assert request.headers["content-type"] == "application/json"
    assert request.json == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+6289900000001",
        "type": "text",
        "text": {"preview_url": False, "body": "Halo"},
    }


async def test_mark_read_and_typing(fake, client):
    await client.mark_read("wamid.IN1")
    await client.typing("wamid.IN2")
    assert fake.sent_bodies == [
        {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"},
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.IN2",
            "typing_indicator": {"type": "text"},
        },
    ]
    assert await client.send(messages.read_receipt("wamid.IN3")) == SendResult(wamid=None)


async def test_meta_error_is_parsed(fake, client):
    fake.fail_next(131047, details="Message failed to send because more than 24 hours have passed")

    with pytest.raises(GraphError) as caught:
        await client.send(_addressed())

    error = caught.value
    assert (error.code, error.http_status, error.fbtrace_id, error.error_type) == (
        131047,
        400,
        "AFakeTrace131047",
        "OAuthException",
    )
    assert error.details == "Message failed to send because more than 24 hours have passed"
    assert error.message == "(#131047) Re-engagement message"
    assert str(error) == (
        "Graph error 131047 (HTTP 400): (#131047) Re-engagement message — Message failed to send "
        "because more than 24 hours have passed [fbtrace_id=AFakeTrace131047]"
    )


async def test_error_without_metas_shape_keeps_the_status(fake, client):
    fake.fail_http(502)
    with pytest.raises(GraphError) as caught:
        await client.send(_addressed())
    assert (caught.value.code, caught.value.http_status) == (None, 502)
    assert "Bad Gateway" in caught.value.message


async def test_a_bare_429_keeps_its_retry_after(fake, client):
    fake.fail_http(429, body=b"", headers={"Retry-After": "120"})
    with pytest.raises(GraphError) as caught:
        await client.send(_addressed())
    error = caught.value
    assert (error.code, error.http_status, error.message, error.retry_after) == (
        None,
        429,
        "",
        120.0,
    )
    assert str(error) == "Graph error (no code) (HTTP 429) (Retry-After 120 s)"


async def test_network_failure(fake, client):
    fake.fail_network(error=httpx.ReadTimeout)
    with pytest.raises(GraphNetworkError, match="ReadTimeout"):
        await client.send(_addressed())
    assert fake.requests[0].status is None


async def test_wrong_token_gets_190(fake, client):
    fake.token = "the-new-token"
    with pytest.raises(GraphError) as caught:
        await client.send(_addressed())
    assert (caught.value.code, caught.value.http_status) == (190, 401)


async def test_success_without_a_wamid_is_an_error(live_settings):
    def odd(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"messaging_product": "whatsapp", "messages": []})

    async with httpx.AsyncClient(transport=httpx.MockTransport(odd)) as http:
        with pytest.raises(GraphError, match="unexpected success answer") as caught:
            await GraphClient(live_settings, http).send(_addressed())
    assert (caught.value.code, caught.value.http_status) == (None, 200)


async def test_client_needs_a_token(settings):
    async with httpx.AsyncClient() as http:
        with pytest.raises(ValueError, match="WHATSAPP_ACCESS_TOKEN"):
            GraphClient(settings, http)


@pytest.mark.parametrize(
    ("sha_as", "size_as"), [("hex", "int"), ("base64", "str"), ("none", "str")]
)
async def test_get_media_normalises_checksum_and_size(fake, client, sha_as, size_as):
    fake.add_media("1037543291543636", PHOTO, sha256_as=sha_as, file_size_as=size_as)

    info = await client.get_media("1037543291543636")

    expected_sha = None if sha_as == "none" else hashlib.sha256(PHOTO).hexdigest()
    assert info == MediaInfo(
        url="http://media.test/whatsapp_business/attachments/?mid=1037543291543636&n=1",
        mime_type="image/jpeg",
        sha256=expected_sha,
        file_size=len(PHOTO),
    )
    (request,) = fake.requests
    assert (request.method, request.url) == ("GET", "http://graph.test/v25.0/1037543291543636")
    assert request.headers["authorization"] == BEARER


async def test_unknown_media_id_is_gone_for_the_locker(client):
    with pytest.raises(MediaGoneError) as caught:
        await client.get_media("404404")
    assert (caught.value.code, caught.value.http_status) == (100, 400)
    assert isinstance(caught.value, MediaGone)  # what the locker's fetcher catches
    assert isinstance(caught.value, GraphError)


async def test_other_media_lookup_errors_stay_graph_errors(fake, client):
    fake.fail_next(131016, http_status=503, route="media_info")
    with pytest.raises(GraphError) as caught:
        await client.get_media("m0")
    assert not isinstance(caught.value, MediaGoneError)
    assert caught.value.code == 131016


def test_expired_url_error_is_the_lockers():
    assert issubclass(MediaUrlExpiredError, MediaUrlExpired)


async def test_stream_media_with_the_token(fake, client):
    fake.add_media("m1", PHOTO)
    info = await client.get_media("m1")

    async with client.stream_media(info.url) as chunks:
        received = [chunk async for chunk in chunks]

    assert b"".join(received) == PHOTO
    download = fake.requests[-1]
    assert (download.route, download.url) == ("media_download", info.url)
    assert download.headers["authorization"] == BEARER


async def test_expired_media_url_then_a_fresh_one(fake, client):
    fake.add_media("m2", PHOTO, expire_first_url=True)
    stale = await client.get_media("m2")

    with pytest.raises(MediaUrlExpiredError) as caught:
        async with client.stream_media(stale.url) as chunks:
            async for _chunk in chunks:
                pass
    assert (caught.value.http_status, caught.value.url) == (404, stale.url)

    fresh = await client.get_media("m2")
    assert fresh.url != stale.url
    async with client.stream_media(fresh.url) as chunks:
        assert b"".join([chunk async for chunk in chunks]) == PHOTO
    fake.expire_media_urls("m2")
    with pytest.raises(MediaUrlExpiredError):
        async with client.stream_media(fresh.url):
            pass


async def test_media_download_without_the_right_token_is_refused(fake, live_settings):
    fake.add_media("m3", PHOTO)
    async with fake.client() as http:
        info = await GraphClient(live_settings, http).get_media("m3")
        fake.token = "rotated"
        with pytest.raises(MediaUrlExpiredError) as caught:
            async with GraphClient(live_settings, http).stream_media(info.url):
                pass
    assert caught.value.http_status == 401


async def test_media_server_error_is_a_graph_error(fake, client):
    fake.add_media("m4", PHOTO)
    info = await client.get_media("m4")
    fake.fail_http(500, route="media_download")
    with pytest.raises(GraphError) as caught:
        async with client.stream_media(info.url):
            pass
    assert caught.value.http_status == 500


async def test_interrupted_download_is_a_network_error(live_settings):
    class Breaks(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b"a" * MEDIA_CHUNK_BYTES
            raise httpx.ReadError("connection reset")

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Breaks())

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        client = GraphClient(live_settings, http)
        received: list[bytes] = []
        with pytest.raises(GraphNetworkError, match="interrupted"):
            async with client.stream_media("http://media.test/x") as chunks:
                async for chunk in chunks:
                    received.append(chunk)
    assert received == [b"a" * MEDIA_CHUNK_BYTES]  # what arrived before the reset


async def test_connection_failure_on_download(fake, client):
    fake.fail_network(route="media_download")
    with pytest.raises(GraphNetworkError):
        async with client.stream_media("http://media.test/whatsapp_business/attachments/?mid=x"):
            pass


def test_normalise_sha256():
    digest = hashlib.sha256(b"x").digest()
    assert normalise_sha256(digest.hex().upper()) == digest.hex()
    assert normalise_sha256(base64.b64encode(digest).decode()) == digest.hex()
    assert normalise_sha256(base64.urlsafe_b64encode(digest).decode().rstrip("=")) == digest.hex()
    assert normalise_sha256("not a checksum") is None
    assert normalise_sha256(base64.b64encode(b"short").decode()) is None
    assert normalise_sha256(None) is None


class _Person:
    def __init__(self, wa_id: str | None, user_id: str | None) -> None:
        self.wa_id = wa_id
        self.user_id = user_id


def _addressed() -> dict[str, Any]:
    return messages.address_body(messages.text("Halo")[0], _Person("6289900000001", None))


async def test_the_lockers_fetcher_works_with_this_client(fake, client, tmp_path):
    """Structural fit with `app.locker.fetch.MediaSource`, expired URL refresh included."""
    from app.locker import LockerPolicy
    from app.locker.fetch import Downloaded, FetchFailed, download_media

    fake.add_media("m6", PHOTO, sha256_as="base64", file_size_as="str", expire_first_url=True)
    policy = LockerPolicy(spool_dir=tmp_path)

    async def no_wait(_seconds: float) -> None:
        raise AssertionError("an expired URL is refreshed at once, without waiting")

    got = await download_media(client, "m6", limit=10 * 1024 * 1024, policy=policy, sleep=no_wait)

    assert isinstance(got, Downloaded)
    assert (got.sha256, got.size, got.mime_type) == (
        hashlib.sha256(PHOTO).hexdigest(),
        len(PHOTO),
        "image/jpeg",
    )
    assert got.path.read_bytes() == PHOTO
    assert [r.route for r in fake.requests] == [
        "media_info",
        "media_download",
        "media_info",
        "media_download",
    ]
    gone = await download_media(client, "unknown", limit=1024, policy=policy, sleep=no_wait)
    assert isinstance(gone, FetchFailed) and gone.attempts == 1
