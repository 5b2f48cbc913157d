"""The media worker: leases, per-resident order, and a verdict queued exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from app.bot.client import GraphClient
from app.db import unit_of_work
from app.flows.catalog import load_catalog
from app.inbox.models import InboundEvent
from app.intake.models import MediaJob
from app.intake.worker import MAX_JOB_ATTEMPTS, MediaWorker
from app.locker.factory import store_from_settings
from app.residents.models import Resident
from tests.conversations.test_ktp_request import sharp_photo
from tests.fakes.graph import FakeGraphAPI


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
    from app.locker import service as locker

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
