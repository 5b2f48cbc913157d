"""Several outbox workers at once, a worker that dies mid-send, and the polling loop."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

import pytest

from app.bot.client import GraphClient
from app.bot.sender import SendResult
from app.outbox.models import OutboxState
from tests.fakes.graph import RecordedRequest
from tests.support.environment import _backend
from tests.support.outbox import (
    START,
    create_resident,
    enqueue_texts,
    load_resident,
    outbox_rows,
)


class _TrackingSender:
    """Wraps the Graph client and notes when two sends to one resident overlap."""

    def __init__(self, inner: GraphClient) -> None:
        self.inner = inner
        self.in_flight: set[str] = set()
        self.overlaps: list[str] = []

    async def send(self, body: dict[str, Any]) -> SendResult:
        to = body["to"]
        if to in self.in_flight:
            self.overlaps.append(to)
        self.in_flight.add(to)
        try:
            await asyncio.sleep(0)  # let the other worker run in between
            return await self.inner.send(body)
        finally:
            self.in_flight.discard(to)


async def test_two_workers_keep_each_residents_order(sessionmaker, fake_graph, graph, make_worker):
    people = [await create_resident(sessionmaker) for _ in range(6)]
    for n in range(5):  # interleaved, as replies to concurrent conversations would be written
        for person in people:
            await enqueue_texts(sessionmaker, person, [f"pesan {n}"])

    async def yield_control(_request: RecordedRequest) -> None:
        await asyncio.sleep(0)

    fake_graph.before_send = yield_control
    tracking = _TrackingSender(graph)
    a = make_worker("worker-a", sender=tracking, batch_size=2)
    b = make_worker("worker-b", sender=tracking, batch_size=2)

    totals = await asyncio.gather(a.run_once(), b.run_once())

    assert sum(totals) == 30
    if _backend() != "sqlite":  # SQLite serialises the claims, so one worker may do it all there
        assert min(totals) > 0
    assert tracking.overlaps == []
    per_resident: dict[str, list[str]] = defaultdict(list)
    for body in fake_graph.accepted_bodies:
        per_resident[body["to"]].append(body["text"]["body"])
    assert per_resident == {f"+{p.wa_id}": [f"pesan {n}" for n in range(5)] for p in people}
    rows = await outbox_rows(sessionmaker)
    assert {r.state for r in rows} == {OutboxState.SENT}
    assert len({r.wamid for r in rows}) == 30


@pytest.mark.postgres_only
async def test_skip_locked_claims_give_disjoint_residents(sessionmaker, make_worker):
    """On PostgreSQL, two claims at once never lease the same resident."""
    from app.db import unit_of_work
    from app.outbox import repository

    people = [await create_resident(sessionmaker) for _ in range(4)]
    for person in people:
        await enqueue_texts(sessionmaker, person, ["halo"])
    async with unit_of_work(sessionmaker) as first:
        mine = await repository.claim_residents(
            first, worker_id="a", now=START, lease_until=START, limit=2
        )
        async with unit_of_work(sessionmaker) as second:  # runs while the first holds its locks
            theirs = await repository.claim_residents(
                second, worker_id="b", now=START, lease_until=START, limit=10
            )
    assert len(mine) == 2
    assert sorted(mine + theirs) == sorted(p.id for p in people)


async def test_crashed_workers_lease_is_taken_over_and_the_message_resent(
    sessionmaker, fake_graph, make_worker, clock, live_settings
):
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    reached_meta = asyncio.Event()

    async def never_answers(_request: RecordedRequest) -> None:
        reached_meta.set()
        await asyncio.Event().wait()  # the process "dies" while Meta holds the request

    fake_graph.before_send = never_answers
    dying = asyncio.create_task(make_worker("worker-a").run_once())
    await reached_meta.wait()
    dying.cancel()
    with pytest.raises(asyncio.CancelledError):
        await dying
    fake_graph.before_send = None

    leased = await load_resident(sessionmaker, person.id)
    assert leased.outbox_lease_owner == "worker-a"
    rescuer = make_worker("worker-b")
    assert await rescuer.run_once() == 0  # the lease is still live

    clock.advance(live_settings.worker_lease_seconds)
    assert await rescuer.run_once() == 1

    # At-least-once: Meta may have accepted the first request, so the resident may get it twice.
    first, second = fake_graph.message_requests
    assert first.json == second.json
    assert (first.status, second.status) == (None, 200)
    (stored,) = await outbox_rows(sessionmaker)
    assert (stored.id, stored.state, stored.wamid) == (message_id, "sent", "wamid.FAKE1")
    assert (await load_resident(sessionmaker, person.id)).outbox_lease_owner is None


async def test_release_hands_residents_over_at_once(sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker)
    await enqueue_texts(sessionmaker, person, ["halo"])
    reached_meta = asyncio.Event()

    async def never_answers(_request: RecordedRequest) -> None:
        reached_meta.set()
        await asyncio.Event().wait()

    fake_graph.before_send = never_answers
    stopping = make_worker("worker-a")
    task = asyncio.create_task(stopping.run_once())
    await reached_meta.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    fake_graph.before_send = None

    await stopping.release()

    assert (await load_resident(sessionmaker, person.id)).outbox_lease_owner is None
    assert await make_worker("worker-b").run_once() == 1


async def test_run_loop_is_woken_by_notify_and_stops(sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker)
    polls: list[float] = []
    waiting = asyncio.Event()
    sent = asyncio.Event()

    async def never_elapses(seconds: float) -> None:
        polls.append(seconds)
        waiting.set()
        await asyncio.Event().wait()  # only notify() or stop can end the wait

    async def note_send(_request: RecordedRequest) -> None:
        sent.set()

    fake_graph.before_send = note_send
    worker = make_worker(sleep=never_elapses)
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    await waiting.wait()  # the loop found nothing to do and sleeps for the poll interval

    await enqueue_texts(sessionmaker, person, ["halo"])
    worker.notify()
    await asyncio.wait_for(sent.wait(), timeout=10)
    stop.set()
    await asyncio.wait_for(loop, timeout=10)

    assert [b["text"]["body"] for b in fake_graph.accepted_bodies] == ["halo"]
    assert polls[0] == 0.5
