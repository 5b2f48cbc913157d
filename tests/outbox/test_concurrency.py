"""Sending concurrently across residents, in order per resident, paced under Meta's rate."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict

from app.outbox.models import OutboxState
from app.outbox.rate import SendRate
from tests.fakes.graph import RecordedRequest
from tests.support.outbox import create_resident, enqueue_texts, outbox_rows

RESIDENTS, EACH, BATCH = 32, 3, 16


class _FakeMonotonic:
    """A monotonic clock that moves only when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        await asyncio.sleep(0)


def _most_in_any_second(slots: list[float]) -> int:
    """The largest number of slots inside one window [t, t + 1 s) (t at a slot)."""
    ordered = sorted(slots)
    return max(
        sum(1 for s in ordered[i:] if s < start + 1.0 - 1e-9) for i, start in enumerate(ordered)
    )


async def test_slots_are_spaced_at_the_rate_and_never_more_than_it_in_a_second() -> None:
    clock = _FakeMonotonic()
    rate = SendRate(80, clock=clock, sleep=clock.sleep)
    slots = await asyncio.gather(*(rate.acquire() for _ in range(400)))
    assert sorted(slots) == [k / 80 for k in range(400)]
    assert _most_in_any_second(slots) == 80
    assert len(clock.slept) == 399  # every send but the first waited for its slot


async def test_after_an_idle_spell_slots_start_from_now_without_a_burst() -> None:
    clock = _FakeMonotonic()
    rate = SendRate(10, clock=clock, sleep=clock.sleep)
    first = [await rate.acquire() for _ in range(3)]
    clock.now = 100.0  # long idle
    later = [await rate.acquire() for _ in range(3)]
    assert (first, later) == ([0.0, 0.1, 0.2], [100.0, 100.1, 100.2])


async def test_many_residents_out_of_order_answers_keep_each_residents_order_under_the_rate(
    sessionmaker, fake_graph, make_worker
) -> None:
    people = [await create_resident(sessionmaker) for _ in range(RESIDENTS)]
    for n in range(EACH):  # interleaved, as concurrent conversations write them
        for person in people:
            await enqueue_texts(sessionmaker, person, [f"pesan {n}"])

    # Meta holds each wave of requests until the whole batch of residents has one waiting, then
    # answers them in a shuffled order: only concurrent sends get through, and out of order.
    rng = random.Random(14)
    waiting: list[asyncio.Event] = []
    in_flight: set[str] = set()
    overlaps: list[str] = []
    most_at_once = 0

    async def slow_and_out_of_order(request: RecordedRequest) -> None:
        nonlocal most_at_once
        to = str(request.json["to"])
        if to in in_flight:
            overlaps.append(to)
        in_flight.add(to)
        most_at_once = max(most_at_once, len(in_flight))
        gate = asyncio.Event()
        waiting.append(gate)
        if len(waiting) == BATCH:  # every resident of the batch has one request waiting
            rng.shuffle(waiting)
            for held in waiting:
                held.set()
            waiting.clear()
        await gate.wait()
        in_flight.discard(to)

    fake_graph.before_send = slow_and_out_of_order
    clock = _FakeMonotonic()
    rate = SendRate(80, clock=clock, sleep=clock.sleep)
    slots: list[float] = []
    acquire = rate.acquire

    async def noted() -> float:
        slot = await acquire()
        slots.append(slot)
        return slot

    rate.acquire = noted  # type: ignore[method-assign]
    worker = make_worker(batch_size=BATCH, rate=rate)

    assert await worker.run_once() == RESIDENTS * EACH
    assert overlaps == []
    assert most_at_once == BATCH  # sends to different residents overlapped, a batch at a time
    per_resident: dict[str, list[str]] = defaultdict(list)
    for body in fake_graph.accepted_bodies:
        per_resident[body["to"]].append(body["text"]["body"])
    assert per_resident == {f"+{p.wa_id}": [f"pesan {n}" for n in range(EACH)] for p in people}
    assert _most_in_any_second(slots) == 80  # 96 sends: more than one second's worth
    assert len(slots) == RESIDENTS * EACH
    assert {r.state for r in await outbox_rows(sessionmaker)} == {OutboxState.SENT}
