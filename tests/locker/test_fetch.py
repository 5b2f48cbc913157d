"""Downloading from Meta: digests, expired URLs, retries with backoff, limits, no leftovers."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from app.locker.fetch import (
    Downloaded,
    FetchFailed,
    MediaInfo,
    MediaUrlExpired,
    download_media,
)
from app.locker.policy import LockerPolicy
from app.locker.reasons import Reason
from tests.support.media import (
    FakeMedia,
    FakeMediaSource,
    SleepRecorder,
    b64_sha256,
    pattern_stream,
)

DATA = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 1000  # 256 KB, split into 64 KB chunks
HEX = hashlib.sha256(DATA).hexdigest()


@pytest.fixture
def policy(tmp_path: Path) -> LockerPolicy:
    return LockerPolicy(spool_dir=tmp_path, retry_base_seconds=1.0, download_attempts=4)


async def fetch(source: FakeMediaSource, policy: LockerPolicy, sleep: SleepRecorder, **kw):
    kw.setdefault("limit", 10 * 1024 * 1024)
    return await download_media(source, "m1", policy=policy, sleep=sleep, **kw)


def leftovers(policy: LockerPolicy) -> list[Path]:
    assert policy.spool_dir is not None
    return sorted(policy.spool_dir.glob("loket-media-*"))


@pytest.mark.parametrize(
    ("sha", "size"),
    [(HEX, len(DATA)), (b64_sha256(DATA), str(len(DATA))), (None, None), (HEX.upper(), None)],
    ids=["hex-int", "base64-string", "none", "upper-hex"],
)
async def test_download_verifies_either_spelling(
    policy: LockerPolicy, sha: str | None, size: int | str | None
) -> None:
    source = FakeMediaSource()
    source.add("m1", DATA, sha256=sha, file_size=size)
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, Downloaded)
    assert (got.sha256, got.size, got.mime_type, got.attempts) == (HEX, len(DATA), "image/jpeg", 1)
    assert got.path.read_bytes() == DATA and got.path.parent == policy.spool_dir
    assert sleep.delays == []


async def test_expired_url_is_refreshed_at_once(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["expired", "expired"])
    source.add("m1", DATA, sha256=HEX)
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, Downloaded) and got.sha256 == HEX and got.attempts == 3
    assert source.lookups == 3 and source.downloads == 3
    assert len(set(source.urls)) == 3  # a fresh URL each time
    assert sleep.delays == []


async def test_sha_mismatch_is_retried_with_backoff(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["corrupt", "corrupt"])
    source.add("m1", DATA, sha256=b64_sha256(DATA))
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, Downloaded) and got.sha256 == HEX
    assert sleep.delays == [1.0, 2.0]
    assert leftovers(policy) == [got.path]


async def test_persistent_sha_mismatch_ends_unavailable(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["corrupt"] * 10)
    source.add("m1", DATA, sha256=HEX)
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, FetchFailed) and got.reason == Reason.UNAVAILABLE
    assert got.attempts == 4 and "DigestMismatch" in got.error
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert leftovers(policy) == []


@pytest.mark.parametrize("failure", ["error", "cut"])
async def test_network_failures_are_retried(policy: LockerPolicy, failure: str) -> None:
    source = FakeMediaSource(script=[failure, failure, failure])
    source.add("m1", DATA, sha256=HEX)
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, Downloaded) and got.attempts == 4
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert leftovers(policy) == [got.path]


async def test_download_that_keeps_failing_is_unavailable_not_raised(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["error"] * 4)
    source.add("m1", DATA)
    got = await fetch(source, policy, SleepRecorder())
    assert isinstance(got, FetchFailed)
    assert got.reason == Reason.UNAVAILABLE and got.error == "FlakyNetwork: connection reset"
    assert leftovers(policy) == []


async def test_url_expiring_every_time_turns_into_failures(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["expired"] * 50)
    source.add("m1", DATA)
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, FetchFailed) and got.reason == Reason.UNAVAILABLE
    # 3 free refreshes, then each expiry counts as a failure: 4 failures end it.
    assert got.attempts == 7 and sleep.delays == [1.0, 2.0, 4.0]


async def test_media_gone_is_unavailable_without_retrying(policy: LockerPolicy) -> None:
    source = FakeMediaSource(gone={"m1"})
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep)
    assert isinstance(got, FetchFailed) and got.reason == Reason.UNAVAILABLE
    assert got.attempts == 1 and sleep.delays == [] and source.downloads == 0


async def test_declared_size_over_limit_refuses_without_downloading(policy: LockerPolicy) -> None:
    source = FakeMediaSource()
    source.add("m1", DATA, file_size="6000000")
    got = await fetch(source, policy, SleepRecorder(), limit=5 * 1024 * 1024)
    assert isinstance(got, FetchFailed) and got.reason == Reason.TOO_LARGE
    assert got.detail == {"limit": 5 * 1024 * 1024, "size": 6_000_000}
    assert source.downloads == 0


async def test_stream_past_the_limit_is_cut_off(policy: LockerPolicy) -> None:
    pulled = 0

    async def huge() -> AsyncIterator[bytes]:
        nonlocal pulled
        async for chunk in pattern_stream(50 * 1024 * 1024):
            pulled += 1
            yield chunk

    source = FakeMediaSource(media={"m1": FakeMedia(stream=huge)})  # no size declared
    got = await fetch(source, policy, SleepRecorder(), limit=1024 * 1024)
    assert isinstance(got, FetchFailed) and got.reason == Reason.TOO_LARGE
    assert pulled == 17 and source.downloads == 1
    assert leftovers(policy) == []


async def test_webhook_digest_is_used_when_the_lookup_has_none(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["corrupt"])
    source.add("m1", DATA, sha256=None)
    sleep = SleepRecorder()
    got = await fetch(source, policy, sleep, declared_sha256=b64_sha256(DATA))
    assert isinstance(got, Downloaded) and got.attempts == 2 and sleep.delays == [1.0]


async def test_unparsable_digest_is_ignored_but_size_still_checked(policy: LockerPolicy) -> None:
    source = FakeMediaSource(script=["corrupt"])
    source.add("m1", DATA, sha256="not-a-digest", file_size=len(DATA) + 1)
    got = await fetch(source, policy, SleepRecorder())
    assert isinstance(got, FetchFailed) and "cut short" in got.error


class HttpGraph:
    """A `MediaSource` over HTTP (httpx + MockTransport), shaped like the real Graph client."""

    def __init__(self, data: bytes, expired_versions: int) -> None:
        self.data = data
        self.expired_versions = expired_versions
        self.version = 0
        self.seen: list[tuple[str, str | None]] = []
        self.client = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.url.path, request.headers.get("authorization")))
        if request.url.host == "graph.test":
            self.version += 1
            body = {
                "messaging_product": "whatsapp",
                "url": f"https://lookaside.test/media/{self.version}",
                "mime_type": "application/pdf",
                "sha256": b64_sha256(self.data),
                "file_size": str(len(self.data)),
                "id": "m1",
            }
            return httpx.Response(200, content=json.dumps(body))
        if int(request.url.path.rsplit("/", 1)[1]) <= self.expired_versions:
            return httpx.Response(404)
        return httpx.Response(200, content=self.data)

    async def get_media(self, media_id: str) -> MediaInfo:
        answer = (await self.client.get(f"https://graph.test/v25.0/{media_id}")).json()
        return MediaInfo(answer["url"], answer["mime_type"], answer["sha256"], answer["file_size"])

    @asynccontextmanager
    async def stream_media(self, url: str) -> AsyncIterator[AsyncIterator[bytes]]:
        headers = {"Authorization": "Bearer test-token"}
        async with self.client.stream("GET", url, headers=headers) as response:
            if response.status_code in (401, 404):
                raise MediaUrlExpired(url)
            response.raise_for_status()
            yield response.aiter_bytes()


async def test_against_an_http_graph_api(policy: LockerPolicy) -> None:
    graph = HttpGraph(DATA, expired_versions=1)
    got = await download_media(graph, "m1", limit=10**7, policy=policy, sleep=SleepRecorder())
    await graph.client.aclose()
    assert isinstance(got, Downloaded) and got.sha256 == HEX and got.mime_type == "application/pdf"
    assert graph.seen == [
        ("/v25.0/m1", None),
        ("/media/1", "Bearer test-token"),
        ("/v25.0/m1", None),
        ("/media/2", "Bearer test-token"),
    ]


async def test_a_stalled_download_is_abandoned_and_retried(tmp_path: Path) -> None:
    photo = DATA
    calls = 0

    async def stalls_once() -> AsyncIterator[bytes]:
        nonlocal calls
        calls += 1
        yield photo[:1000]
        if calls == 1:
            await asyncio.Event().wait()  # the connection hangs: no more bytes, no error
        yield photo[1000:]

    source = FakeMediaSource(media={"m1": FakeMedia(stream=stalls_once, sha256=HEX)})
    policy = LockerPolicy(spool_dir=tmp_path, attempt_timeout_seconds=1.0)
    sleep = SleepRecorder()
    got = await download_media(source, "m1", limit=10**7, policy=policy, sleep=sleep)
    assert isinstance(got, Downloaded) and got.sha256 == HEX and got.attempts == 2
    assert sleep.delays == [1.0] and leftovers(policy) == [got.path]
