"""`/v/<code>`: the public facts about an issued document, a file check, 404, rate limit, counts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.observability import REGISTRY
from app.ratelimit import TokenBucket
from tests.support.clients import Api, running
from tests.support.factories import World, seed_requests
from tests.support.files import pdf
from tests.support.issued import issued_rows, sha256, upload


@pytest.fixture
async def api(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> AsyncIterator[Api]:
    limited = settings.model_copy(update={"verify_burst": 4, "verify_refill_seconds": 3600})
    async with running(limited) as (app, client):
        await seed_requests(sessionmaker, world)
        yield Api(app, client, sessionmaker)


def _count(outcome: str) -> float:
    return REGISTRY.get_sample_value("loket_verify_lookups_total", {"outcome": outcome}) or 0.0


async def _issue(api: Api, world: World, content: bytes) -> str:
    response = await upload(api, world, "desa_a1", content)
    assert response.status_code == 200, response.text
    return str(response.json()["issued"]["verification_code"])


async def test_the_page_shows_the_public_facts_and_nothing_more(api: Api, world: World) -> None:
    content = pdf(1)
    code = await _issue(api, world, content)
    found = _count("found")
    page = await api.client.get(f"/v/{code}")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="id">' in html
    assert "Dokumen ini diterbitkan oleh Kantor DESA-A1." in html
    assert '<dd id="service">KTP-el</dd>' in html
    assert '<dd id="holder">S*** A*****</dd>' in html
    assert f'<dd class="hash" id="sha256">{sha256(content)}</dd>' in html
    assert f'<dd id="code">{code}</dd>' in html
    # Nothing more: not the name, the NIK, the phone number or the ticket.
    for secret in ("Siti", "Aminah", "3201014508900003", "6289900000001", "KTP-261120-0001"):
        assert secret not in html
    assert page.headers["cache-control"] == "no-store"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert _count("found") == found + 1
    [row] = await issued_rows(api.sessionmaker)
    assert row.lookups == 1

    english = await api.client.get(f"/v/{code.lower()}?lang=en")
    assert "This document was issued by Kantor DESA-A1." in english.text
    assert '<dd id="service">ID card (KTP-el)</dd>' in english.text


@pytest.mark.parametrize("code", ["ABCDEFGHJK", "abc", "0000000000", "A" * 200])
async def test_an_unknown_code_is_a_clear_not_found_page(api: Api, world: World, code: str) -> None:
    await _issue(api, world, pdf(1))
    missing = _count("not_found")
    page = await api.client.get(f"/v/{code}")
    assert page.status_code == 404
    assert '<h1 id="not-found">Dokumen tidak ditemukan</h1>' in page.text
    assert _count("not_found") == missing + 1


@pytest.mark.parametrize(("which", "answer"), [("same", "match"), ("tampered", "mismatch")])
async def test_a_posted_file_is_compared_and_not_kept(
    api: Api, world: World, which: str, answer: str
) -> None:
    content = pdf(1)
    code = await _issue(api, world, content)
    held = content if which == "same" else content.replace(b"/MediaBox", b"/MediaBox ", 1)
    before = _count(f"file_{answer}")
    page = await api.client.post(f"/v/{code}", files={"file": ("kk.pdf", held, "application/pdf")})
    assert page.status_code == 200
    expected = {
        "match": "Cocok: berkas ini sama persis dengan dokumen yang diterbitkan.",
        "mismatch": "Tidak cocok: berkas ini berbeda dari dokumen yang diterbitkan.",
    }[answer]
    assert f'class="result {answer}"' in page.text and expected in page.text
    assert _count(f"file_{answer}") == before + 1
    if which == "tampered":
        assert not await api.runtime.store.exists(sha256(held))


async def test_lookups_are_rate_limited_per_client(api: Api, world: World) -> None:
    code = await _issue(api, world, pdf(1))
    answers = [(await api.client.get(f"/v/{code}")).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    throttled = await api.client.get(f"/v/{code}")
    assert throttled.status_code == 429
    assert "Terlalu banyak pemeriksaan dari alamat Anda." in throttled.text
    assert throttled.headers["retry-after"] == "3600"
    [row] = await issued_rows(api.sessionmaker)
    assert row.lookups == 4  # a refused lookup reads nothing


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_token_bucket_refills_with_time() -> None:
    clock = FakeClock()
    bucket = TokenBucket(burst=2, refill_seconds=10, clock=clock)
    assert [bucket.allow("a"), bucket.allow("a"), bucket.allow("a")] == [True, True, False]
    assert bucket.allow("b") is True  # another address has its own bucket
    assert bucket.retry_after("a") == 10.0
    clock.now += 5
    assert (bucket.allow("a"), bucket.retry_after("a")) == (False, 5.0)
    clock.now += 5
    assert [bucket.allow("a"), bucket.allow("a")] == [True, False]
    clock.now += 1000  # long idle: full again, never above the burst
    assert [bucket.allow("a"), bucket.allow("a"), bucket.allow("a")] == [True, True, False]


def test_idle_full_buckets_are_forgotten() -> None:
    clock = FakeClock()
    bucket = TokenBucket(burst=1, refill_seconds=1, clock=clock)
    for n in range(1023):
        bucket.allow(f"10.0.{n // 256}.{n % 256}")
    assert len(bucket) == 1023
    clock.now += 2
    bucket.allow("10.9.9.9")  # the 1024th call sweeps the full ones
    assert len(bucket) == 1
