"""The media worker: leases, per-resident order, and a verdict queued exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select

from app.bot.client import GraphClient
from app.db import unit_of_work
from app.flows.catalog import load_catalog
from app.inbox.models import InboundEvent
from app.intake.models import MediaJob
from app.intake.worker import MAX_JOB_ATTEMPTS, MediaWorker
from app.locker.factory import store_from_settings
from app.residents.models import Resident
from tests.fakes.graph import FakeGraphAPI
from tests.support.intake import PATIENCE_SECONDS, add_job, eventually, job, verdict_keys
from tests.support.resident import sharp_photo


async def _jobs(sessionmaker, *media_ids: str) -> None:
    async with unit_of_work(sessionmaker) as session:
        resident = Resident(wa_id="6281200005555")
        session.add(resident)
        await session.flush()
        for media_id in media_ids:
            session.add(
                MediaJob(
                    resident_id=resident.id,
                    service_code="ktp",
                    requirement="kk",
                    media_id=media_id,
                    media_kind="image",
                    mime_type="image/jpeg",
                )
            )


def _worker(live_settings, sessionmaker, graph: FakeGraphAPI, **kwargs) -> MediaWorker:
    client = GraphClient(live_settings, httpx.AsyncClient(transport=graph.transport()))
    return MediaWorker(
        sessionmaker,
        store_from_settings(live_settings),
        client,
        load_catalog(),
        worker_id=kwargs.pop("worker_id", "w1"),
        **kwargs,
    )


async def _verdicts(sessionmaker) -> list[dict]:
    async with sessionmaker() as session:
        events = (await session.execute(select(InboundEvent).order_by(InboundEvent.id))).scalars()
        return [e.payload["input"] for e in events]


async def test_a_resident_s_jobs_run_one_at_a_time_in_order(live_settings, sessionmaker) -> None:
    graph = FakeGraphAPI.for_settings(live_settings)
    graph.add_media("m1", sharp_photo(1))
    graph.add_media("m2", sharp_photo(2))
    await _jobs(sessionmaker, "m1", "m2")
    worker = _worker(live_settings, sessionmaker, graph)
    first = await worker._claim()
    assert await _worker(live_settings, sessionmaker, graph, worker_id="w2")._claim() is None
    assert first is not None
    await worker._run(first)
    assert await worker.run_once() == 1
    verdicts = await _verdicts(sessionmaker)
    assert [(v["type"], v["requirement"], v["accepted"]) for v in verdicts] == [
        ("document_checked", "kk", True),
        ("document_checked", "kk", True),
    ]
    assert verdicts[0]["document_id"] != verdicts[1]["document_id"]


async def test_an_expired_lease_is_taken_over_and_the_verdict_queued_once(
    live_settings, sessionmaker
) -> None:
    graph = FakeGraphAPI.for_settings(live_settings)
    graph.add_media("m1", sharp_photo(1))
    await _jobs(sessionmaker, "m1")
    later = datetime.now(UTC) + timedelta(minutes=10)
    crashed = _worker(live_settings, sessionmaker, graph, worker_id="dead")
    assert await crashed._claim() is not None  # then the process dies mid-download
    survivor = _worker(live_settings, sessionmaker, graph, worker_id="w2", clock=lambda: later)
    assert await survivor.run_once() == 1
    assert await survivor.run_once() == 0
    assert len(await _verdicts(sessionmaker)) == 1


async def test_a_job_that_keeps_failing_ends_unavailable(
    live_settings, sessionmaker, monkeypatch
) -> None:
    """A bug (not a bad file) in ingest: after the last try the resident is asked again."""
    from app import locker

    async def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(locker, "ingest_media", broken)
    graph = FakeGraphAPI.for_settings(live_settings)
    await _jobs(sessionmaker, "m1")
    clock = [datetime.now(UTC)]
    worker = _worker(live_settings, sessionmaker, graph, clock=lambda: clock[0])
    for _ in range(MAX_JOB_ATTEMPTS):
        await worker.run_once()
        clock[0] += timedelta(minutes=10)  # each failed try leaves its lease to expire
    (verdict,) = await _verdicts(sessionmaker)
    assert verdict["accepted"] is False
    assert verdict["reason"] == "unavailable"
    async with sessionmaker() as session:
        job = (await session.execute(select(MediaJob))).scalar_one()
        assert job.state == "done"
        assert job.last_error == "RuntimeError: boom"


# --- several jobs at once: leases kept alive, a bound, each resident in order ---------------


async def test_a_slow_download_does_not_hold_up_another_resident(
    live_settings, sessionmaker
) -> None:
    graph = FakeGraphAPI.for_settings(live_settings)
    graph.add_media("slow", sharp_photo(1))
    graph.add_media("quick", sharp_photo(2))
    release = graph.stall_download("slow")
    slow = await add_job(sessionmaker, "6281200000001", "slow")
    quick = await add_job(sessionmaker, "6281200000002", "quick")
    worker = _worker(live_settings, sessionmaker, graph, poll_seconds=0.05)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.wait_for(graph.media["slow"].stalled.wait(), PATIENCE_SECONDS)

        async def quick_done() -> bool:
            return f"media_job:{quick}" in await verdict_keys(sessionmaker)

        await eventually(quick_done, "the other resident's photo waited for the slow one")
        assert await verdict_keys(sessionmaker) == [f"media_job:{quick}"]
        release.set()

        async def both_done() -> bool:
            return len(await verdict_keys(sessionmaker)) == 2

        await eventually(both_done, "the slow photo never finished")
        assert await verdict_keys(sessionmaker) == [f"media_job:{quick}", f"media_job:{slow}"]
    finally:
        release.set()
        stop.set()
        await loop


async def test_a_resident_s_album_stays_in_order_while_others_run(
    live_settings, sessionmaker
) -> None:
    """The engine tells a photo from a PDF by the order of the verdicts: a resident's second
    file waits for the first, however many slots are free."""
    graph = FakeGraphAPI.for_settings(live_settings)
    for media_id, seed in (("a1", 1), ("a2", 2), ("b1", 3)):
        graph.add_media(media_id, sharp_photo(seed))
    release = graph.stall_download("a1")
    first = await add_job(sessionmaker, "6281200000001", "a1")
    second = await add_job(sessionmaker, "6281200000001", "a2")
    other = await add_job(sessionmaker, "6281200000002", "b1")
    worker = _worker(live_settings, sessionmaker, graph, poll_seconds=0.05)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.wait_for(graph.media["a1"].stalled.wait(), PATIENCE_SECONDS)

        async def other_done() -> bool:
            return f"media_job:{other}" in await verdict_keys(sessionmaker)

        await eventually(other_done, "the other resident waited")
        assert graph.media["a2"].downloads == 0
        assert (await job(sessionmaker, second)).lease_owner is None
        release.set()

        async def all_done() -> bool:
            return len(await verdict_keys(sessionmaker)) == 3

        await eventually(all_done, "the album never finished")
        assert await verdict_keys(sessionmaker) == [
            f"media_job:{other}",
            f"media_job:{first}",
            f"media_job:{second}",
        ]
    finally:
        release.set()
        stop.set()
        await loop


async def test_a_long_download_keeps_its_lease_and_nobody_takes_it(
    live_settings, sessionmaker
) -> None:
    """The lease is renewed while the download runs (it used to be 300 s against a 600-s
    download timeout, so a second worker took a job still downloading)."""
    graph = FakeGraphAPI.for_settings(live_settings)
    graph.add_media("long", sharp_photo(1))
    release = graph.stall_download("long")
    job_id = await add_job(sessionmaker, "6281200000001", "long")
    worker = _worker(
        live_settings,
        sessionmaker,
        graph,
        lease_seconds=1.5,
        heartbeat_seconds=0.1,
        poll_seconds=0.05,
    )
    other = _worker(live_settings, sessionmaker, graph, worker_id="w2", lease_seconds=1.5)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:
        await asyncio.wait_for(graph.media["long"].stalled.wait(), PATIENCE_SECONDS)
        claimed = await job(sessionmaker, job_id)
        assert claimed.lease_owner == "w1" and claimed.lease_until is not None
        first_lease = claimed.lease_until

        async def renewed() -> bool:
            lease = (await job(sessionmaker, job_id)).lease_until
            return lease is not None and lease > first_lease

        await eventually(renewed, "the lease was never renewed")
        # Past the first lease's end: without the heartbeat the job would be up for grabs now.
        await asyncio.sleep(max(0.0, (first_lease - datetime.now(UTC)).total_seconds()) + 0.05)
        assert datetime.now(UTC) > first_lease
        assert await other._claim() is None
        assert (await job(sessionmaker, job_id)).lease_owner == "w1"
        release.set()

        async def done() -> bool:
            return len(await verdict_keys(sessionmaker)) == 1

        await eventually(done, "the download never finished")
        assert graph.media["long"].downloads == 1
        finished = await job(sessionmaker, job_id)
        assert (finished.state, finished.attempts, finished.lease_owner) == ("done", 1, None)
    finally:
        release.set()
        stop.set()
        await loop


async def test_no_more_jobs_run_at_once_than_the_bound(live_settings, sessionmaker) -> None:
    graph = FakeGraphAPI.for_settings(live_settings)
    releases = []
    for n in range(4):
        graph.add_media(f"m{n}", sharp_photo(n))
        releases.append(graph.stall_download(f"m{n}"))
        await add_job(sessionmaker, f"62812000000{n:02d}", f"m{n}")
    worker = _worker(live_settings, sessionmaker, graph, concurrency=2, poll_seconds=0.05)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:

        async def two_hanging() -> bool:
            return graph.downloads_hanging == 2

        await eventually(two_hanging, "two downloads never started")
        for _ in range(10):  # polls and wake-ups: an unbounded worker would start the others
            worker.notify()
            await asyncio.sleep(0.05)
        assert graph.downloads_hanging == 2
        async with sessionmaker() as session:
            leased = await session.scalar(
                select(func.count()).select_from(MediaJob).where(MediaJob.lease_owner.is_not(None))
            )
        assert leased == 2
        for release in releases:
            release.set()

        async def all_done() -> bool:
            return len(await verdict_keys(sessionmaker)) == 4

        await eventually(all_done, "the jobs never finished")
        assert graph.most_downloads_hanging == 2
    finally:
        for release in releases:
            release.set()
        stop.set()
        await loop


def test_the_bound_comes_from_the_settings(live_settings) -> None:
    from app.config import Settings

    assert live_settings.media_concurrency == 4
    configured = Settings(LOKET_MEDIA_CONCURRENCY="2", LOKET_LOG_JSON=False)
    assert configured.media_concurrency == 2
