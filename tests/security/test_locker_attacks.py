"""Attacks on the locker: files built to exhaust memory, and media that never finish arriving.

Memory is measured, not assumed: each check runs in a fresh child process that reports how far
its peak RSS rose (tests/security/rss.py). The target is at most 100 MB per check; before the
decoding budget, the 7070×7070 PNG bomb below (~870 KB) took 950 MB in one check.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.bot.client import GraphClient
from app.bot.signature import sign
from app.config import Settings
from app.db import unit_of_work
from app.flows.catalog import load_catalog
from app.intake.worker import MediaWorker
from app.locker.checks import CHECK_THREADS
from app.locker.factory import store_from_settings
from app.locker.models import Document, DocumentStatus
from app.main import create_app
from tests.fakes.graph import FakeGraphAPI
from tests.support.intake import PATIENCE_SECONDS, add_job, eventually, job, verdict_keys
from tests.support.locks import transactions_open
from tests.support.resident import sharp_photo
from tests.support.rss import UPLOAD_KINDS, measure_checks, write_upload_kinds

MAX_GROWTH_MB = 100.0


@pytest.fixture(scope="module")
def upload_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_upload_kinds(tmp_path_factory.mktemp("uploads"))


@pytest.mark.parametrize("kind", list(UPLOAD_KINDS))
def test_one_check_stays_within_its_memory(upload_files: dict[str, Path], kind: str) -> None:
    measured = measure_checks([upload_files[kind]])
    assert measured.reasons == [UPLOAD_KINDS[kind][2]]
    assert measured.growth_mb <= MAX_GROWTH_MB, f"{kind}: {measured.growth_mb:.1f} MB"


def test_four_counter_uploads_at_once_share_the_bounded_check_threads(
    upload_files: dict[str, Path],
) -> None:
    """Four operators upload the worst PNG at the same moment: at most `CHECK_THREADS` checks
    decode together (they used to run in as many threads as there were files, twice each)."""
    paths = [upload_files["png-at-the-budget"]] * 4
    measured = measure_checks(paths, as_uploads=True)
    assert measured.reasons == ["too_bright"] * 4
    assert CHECK_THREADS == 2
    assert measured.growth_mb <= CHECK_THREADS * MAX_GROWTH_MB, f"{measured.growth_mb:.1f} MB"


# --- media that never finish arriving ------------------------------------------------------

SECRET = b"test-app-secret"  # live_settings' WHATSAPP_APP_SECRET


def _media_worker(settings: Settings, sessionmaker: Any, graph: FakeGraphAPI, **options: Any):
    client = GraphClient(settings, httpx.AsyncClient(transport=graph.transport()))
    return MediaWorker(
        sessionmaker,
        store_from_settings(settings),
        client,
        load_catalog(),
        worker_id=options.pop("worker_id", "survivor"),
        poll_seconds=0.05,
        **options,
    )


def _text_webhook(wamid: str, sender: str) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": wamid,
                "timestamp": "1750000000",
                "type": "text",
                "text": {"body": "halo, foto saya sudah masuk?"},
            }
        ],
    }
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body).encode()


async def test_a_job_re_run_after_a_crash_mid_download_blocks_no_webhook(
    live_settings: Settings, sessionmaker: Any, engine: Any, database_url: str
) -> None:
    """A worker died mid-download (its document recorded, its lease expired); the next worker
    re-runs the job. The re-run used to keep the lookup's transaction open through the whole
    download: on SQLite the write lock, so every webhook waited 30 s and answered 500."""
    graph = FakeGraphAPI.for_settings(live_settings)
    graph.add_media("m1", sharp_photo(1))
    release = graph.stall_download("m1")
    expired = datetime.now(UTC) - timedelta(minutes=1)
    job_id = await add_job(
        sessionmaker, "6281200000001", "m1", lease_owner="dead", lease_until=expired, attempts=1
    )
    async with unit_of_work(sessionmaker) as session:
        resident_id = (await job(sessionmaker, job_id)).resident_id
        left = Document(
            resident_id=resident_id, requirement="kk", kind="kk", media_id="m1", created_at=expired
        )
        session.add(left)
    worker = _media_worker(live_settings, sessionmaker, graph)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.wait_for(graph.media["m1"].stalled.wait(), PATIENCE_SECONDS)
        assert await transactions_open(engine, database_url) == 0
        app = create_app(live_settings, run_workers=False)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as c:
                raw = _text_webhook("wamid.WHILE-DOWNLOADING", "6281200000002")
                answer = await c.post(
                    "/webhooks/whatsapp",
                    content=raw,
                    headers={"X-Hub-Signature-256": sign(SECRET, raw)},
                )
        assert answer.status_code == 200
        assert answer.json() == {"status": "ok", "stored": 1, "duplicates": 0, "ignored": 0}
        assert await transactions_open(engine, database_url) == 0
        release.set()

        async def verdict() -> bool:
            return await verdict_keys(sessionmaker) == [f"media_job:{job_id}"]

        await eventually(verdict, "the re-run job never finished")
        finished = await job(sessionmaker, job_id)
        assert (finished.state, finished.document_id, finished.attempts) == ("done", left.id, 2)
        async with sessionmaker() as session:
            document = await session.get(Document, left.id)
            assert document is not None and document.status == DocumentStatus.ACCEPTED
    finally:
        release.set()
        stop.set()
        await loop


async def test_a_graph_api_that_stalls_starves_no_other_resident(
    live_settings: Settings, sessionmaker: Any
) -> None:
    """Someone's media never finishes (a hanging connection, up to the 600-s attempt timeout):
    the other residents' photos are checked meanwhile, and the stalled one still keeps its lease."""
    graph = FakeGraphAPI.for_settings(live_settings)
    graph.add_media("hangs", sharp_photo(1))
    release = graph.stall_download("hangs")
    hanging = await add_job(sessionmaker, "6281200000001", "hangs")
    others = []
    for n in range(2, 6):
        graph.add_media(f"m{n}", sharp_photo(n))
        others.append(await add_job(sessionmaker, f"628120000000{n}", f"m{n}"))
    worker = _media_worker(live_settings, sessionmaker, graph, lease_seconds=3.0)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:

        async def others_done() -> bool:
            return len(await verdict_keys(sessionmaker)) == len(others)

        await eventually(others_done, "the other residents waited for the stalled download")
        assert sorted(await verdict_keys(sessionmaker)) == sorted(f"media_job:{n}" for n in others)
        held = await job(sessionmaker, hanging)
        state = (held.state, held.lease_owner, held.attempts, graph.media["hangs"].downloads)
        assert state == ("pending", "survivor", 1, 1), state
    finally:
        release.set()
        stop.set()
        await loop
