"""The inbox edge: storing updates once (repository), residents by BSUID / phone, group commit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot.payloads import InboundUpdate
from app.db import unit_of_work, utcnow
from app.inbox.ingest import IngestBatcher, IngestClosedError
from app.inbox.models import InboundEvent
from app.inbox.repository import (
    StoreOutcome,
    get_by_external_id,
    pending_count,
    store_updates,
)
from app.residents.models import Resident
from app.residents.repository import resolve_residents
from tests.support.inbound import inbound_message, resident_identities

T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
Maker = async_sessionmaker[AsyncSession]


def message(
    wamid: str,
    *,
    wa_id: str | None = "6281200000001",
    at: datetime | None = T0,
    **fields: str | None,
) -> InboundUpdate:
    """Siti's "halo" at T0 unless told otherwise (`user_id`, `name`, `username` pass through)."""
    return inbound_message(wamid, wa_id=wa_id, at=at, **fields)


def status(wamid: str, value: str, *, wa_id: str = "6281200000001") -> InboundUpdate:
    return InboundUpdate(
        kind="status",
        dedup_key=f"s:{wamid}:{value}",
        external_id=wamid,
        user_id=None,
        wa_id=wa_id,
        profile_name=None,
        username=None,
        occurred_at=T0 + timedelta(hours=5),
        payload={"status": {"id": wamid, "status": value}},
    )


async def _count(sm: Maker, model: Any) -> int:
    async with sm() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# --- store_updates --------------------------------------------------------------------------


async def test_store_inserts_once_per_dedup_key(db_session: AsyncSession) -> None:
    first = await store_updates(db_session, [message("w1"), message("w2"), message("w1")])
    assert (first.stored, first.duplicates) == (2, 1)
    assert first.stored_keys == frozenset({"m:w1", "m:w2"})
    again = await store_updates(db_session, [message("w2"), message("w3")])
    assert (again.stored, again.duplicates, again.stored_keys) == (1, 1, frozenset({"m:w3"}))
    assert await pending_count(db_session) == 3
    event = await get_by_external_id(db_session, "w3")
    assert event is not None
    assert (event.kind, event.dedup_key, event.occurred_at) == ("message", "m:w3", T0)
    assert event.payload["message"]["text"] == {"body": "halo"}
    assert await get_by_external_id(db_session, "w3", kind="status") is None


async def test_statuses_are_deduplicated_on_message_id_and_status(db_session: AsyncSession) -> None:
    outcome = await store_updates(
        db_session,
        [status("out1", "sent"), status("out1", "delivered"), status("out1", "sent")],
    )
    assert (outcome.stored, outcome.duplicates) == (2, 1)
    again = await store_updates(db_session, [status("out1", "read"), status("out1", "delivered")])
    assert again.stored_keys == frozenset({"s:out1:read"})
    event = await get_by_external_id(db_session, "out1", kind="status")
    assert event is not None and event.dedup_key == "s:out1:sent"


async def test_empty_input_stores_nothing(db_session: AsyncSession) -> None:
    outcome = await store_updates(db_session, [])
    assert (outcome.stored, outcome.duplicates) == (0, 0)
    assert await resident_identities(db_session) == []


async def test_last_inbound_moves_forward_only_and_only_for_messages(
    db_session: AsyncSession,
) -> None:
    later, earlier = T0 + timedelta(hours=2), T0 - timedelta(hours=2)
    await store_updates(db_session, [message("a", at=T0), message("b", at=later)])
    await store_updates(db_session, [message("c", at=earlier), message("d", at=None)])
    await store_updates(db_session, [status("out", "read")])  # statuses are not the resident's
    resident = (await db_session.execute(select(Resident))).scalar_one()
    assert resident.last_inbound_at == later


async def test_a_timestamp_from_the_future_does_not_stretch_the_window(
    db_session: AsyncSession,
) -> None:
    before = utcnow()
    await store_updates(db_session, [message("f", at=before + timedelta(days=3))])
    after = utcnow()
    resident = (await db_session.execute(select(Resident))).scalar_one()
    assert resident.last_inbound_at is not None
    assert before <= resident.last_inbound_at <= after


# --- residents ------------------------------------------------------------------------------


async def test_bsuid_only_updates_create_residents_keyed_by_user_id(
    db_session: AsyncSession,
) -> None:
    await store_updates(
        db_session,
        [message("u1", wa_id=None, user_id="ID.1", name="Siti", username="@siti")],
    )
    await store_updates(db_session, [message("u2", wa_id=None, user_id="ID.1")])
    assert await resident_identities(db_session) == [("ID.1", None, "Siti")]
    resident = (await db_session.execute(select(Resident))).scalar_one()
    assert resident.username == "@siti"


async def test_a_phone_first_resident_gets_the_bsuid_attached(db_session: AsyncSession) -> None:
    await store_updates(db_session, [message("p1", wa_id="628111", name="Budi")])
    await store_updates(db_session, [message("p2", wa_id="628111", user_id="ID.budi")])
    await store_updates(db_session, [message("p3", wa_id=None, user_id="ID.budi")])
    await store_updates(db_session, [message("p4", wa_id="628111")])
    assert await resident_identities(db_session) == [("ID.budi", "628111", "Budi")]
    ids = {e.resident_id for e in (await db_session.execute(select(InboundEvent))).scalars()}
    assert len(ids) == 1


async def test_a_bsuid_first_resident_gets_the_phone_attached(db_session: AsyncSession) -> None:
    await store_updates(db_session, [message("b1", wa_id=None, user_id="ID.ani")])
    await store_updates(db_session, [message("b2", wa_id="628333", user_id="ID.ani")])
    assert await resident_identities(db_session) == [("ID.ani", "628333", None)]


async def test_a_number_that_moved_to_someone_else_leaves_the_old_resident(
    db_session: AsyncSession,
) -> None:
    await store_updates(db_session, [message("o1", wa_id="628444", user_id="ID.old")])
    await store_updates(db_session, [message("n1", wa_id="628444", user_id="ID.new", name="Baru")])
    assert await resident_identities(db_session) == [
        ("ID.old", None, None),
        ("ID.new", "628444", "Baru"),
    ]
    # A known BSUID taking a number another BSUID held: same move.
    await store_updates(db_session, [message("o2", wa_id="628444", user_id="ID.old")])
    assert await resident_identities(db_session) == [
        ("ID.old", "628444", None),
        ("ID.new", None, "Baru"),
    ]


async def test_rows_are_never_merged_when_one_person_was_seen_twice(
    db_session: AsyncSession,
) -> None:
    await store_updates(db_session, [message("l1", wa_id="628555")])
    await store_updates(db_session, [message("l2", wa_id=None, user_id="ID.dua")])
    mapping = await resolve_residents(db_session, [message("l3", wa_id="628555", user_id="ID.dua")])
    assert await resident_identities(db_session) == [(None, "628555", None), ("ID.dua", None, None)]
    by_bsuid = await db_session.execute(select(Resident.id).where(Resident.user_id == "ID.dua"))
    assert mapping == {("ID.dua", "628555"): by_bsuid.scalar_one()}


async def test_the_profile_follows_the_latest_update(db_session: AsyncSession) -> None:
    await store_updates(db_session, [message("n1", name="Siti", username="@s")])
    await store_updates(db_session, [message("n2", name=None), message("n3", name="Siti A.")])
    resident = (await db_session.execute(select(Resident))).scalar_one()
    assert (resident.name, resident.username) == ("Siti A.", "@s")


async def test_an_update_without_any_id_is_refused(db_session: AsyncSession) -> None:
    with pytest.raises(ValueError, match="user_id or a wa_id"):
        await resolve_residents(db_session, [message("x", wa_id=None)])


# --- group commit ---------------------------------------------------------------------------


async def test_concurrent_submissions_share_one_transaction(sessionmaker: Maker) -> None:
    batcher = IngestBatcher(sessionmaker, max_wait_ms=60_000, max_batch=10)
    futures = [batcher.enqueue([message(f"g{i}")]) for i in range(10)]
    outcomes = await asyncio.gather(*futures)
    assert [o.stored for o in outcomes] == [1] * 10
    assert batcher.transactions == 1
    await batcher.aclose()
    assert await _count(sessionmaker, InboundEvent) == 10
    assert await _count(sessionmaker, Resident) == 1


async def test_a_batch_holds_at_most_max_batch_updates_and_close_flushes_the_rest(
    sessionmaker: Maker,
) -> None:
    batcher = IngestBatcher(sessionmaker, max_wait_ms=60_000, max_batch=4)
    first, second, third = (
        batcher.enqueue([message(f"s{i}a"), message(f"s{i}b")]) for i in range(3)
    )
    await asyncio.gather(first, second)
    assert batcher.transactions == 1
    assert not third.done()  # waiting for company, up to a minute
    await batcher.aclose()
    assert (await third).stored == 2
    assert batcher.transactions == 2
    with pytest.raises(IngestClosedError):
        await batcher.submit([message("late")])


async def test_a_submission_larger_than_a_batch_is_written_whole(sessionmaker: Maker) -> None:
    batcher = IngestBatcher(sessionmaker, max_wait_ms=0, max_batch=2)
    outcome = await batcher.submit([message(f"big{i}") for i in range(5)])
    assert (outcome.stored, batcher.transactions) == (5, 1)
    await batcher.aclose()


async def test_a_message_in_two_submissions_is_stored_for_the_first(sessionmaker: Maker) -> None:
    batcher = IngestBatcher(sessionmaker, max_wait_ms=60_000, max_batch=3)
    one = batcher.enqueue([message("dup")])
    two = batcher.enqueue([message("dup"), message("other")])
    first, second = await asyncio.gather(one, two)
    assert (first.stored, first.duplicates) == (1, 0)
    assert (second.stored, second.duplicates, second.stored_keys) == (1, 1, frozenset({"m:other"}))
    await batcher.aclose()
    assert await _count(sessionmaker, InboundEvent) == 2


async def test_an_empty_submission_needs_no_transaction(sessionmaker: Maker) -> None:
    batcher = IngestBatcher(sessionmaker)
    outcome = await batcher.submit([])
    assert (outcome.stored, outcome.duplicates, batcher.transactions) == (0, 0, 0)
    await batcher.aclose()


async def test_a_failed_transaction_fails_every_waiter_and_stores_nothing(
    sessionmaker: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def store_then_fail(session: AsyncSession, updates: Any) -> Any:
        await store_updates(session, updates)  # rows and residents written, then the disk fails
        raise OSError("disk full")

    monkeypatch.setattr("app.inbox.ingest.store_updates", store_then_fail)
    batcher = IngestBatcher(sessionmaker, max_wait_ms=60_000, max_batch=3)
    futures = [batcher.enqueue([message(f"f{i}")]) for i in range(3)]
    results = await asyncio.gather(*futures, return_exceptions=True)
    assert [type(r) for r in results] == [OSError] * 3
    assert await _count(sessionmaker, InboundEvent) == 0
    assert await _count(sessionmaker, Resident) == 0
    monkeypatch.setattr("app.inbox.ingest.store_updates", store_updates)
    retry = batcher.enqueue([message("f0")])  # Meta re-delivers; the batcher keeps working
    await batcher.aclose()
    assert (await retry).stored == 1


async def test_a_delivery_the_database_refuses_does_not_fail_its_neighbours(
    sessionmaker: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse_poison(session: AsyncSession, updates: Any) -> Any:
        outcome = await store_updates(session, updates)
        if any(u.dedup_key == "m:poison" for u in updates):
            raise IntegrityError("INSERT …", {}, Exception("value the database cannot hold"))
        return outcome

    monkeypatch.setattr("app.inbox.ingest.store_updates", refuse_poison)
    batcher = IngestBatcher(sessionmaker, max_wait_ms=60_000, max_batch=3)
    futures = [batcher.enqueue([message(w)]) for w in ("fine1", "poison", "fine2")]
    first, poisoned, second = await asyncio.gather(*futures, return_exceptions=True)
    assert isinstance(poisoned, IntegrityError)
    assert isinstance(first, StoreOutcome) and first.stored == 1
    assert isinstance(second, StoreOutcome) and second.stored == 1
    assert batcher.transactions == 2  # fine1 and fine2 alone; the batch and poison rolled back
    await batcher.aclose()
    async with sessionmaker() as session:
        keys = await session.scalars(select(InboundEvent.dedup_key).order_by(InboundEvent.id))
        assert list(keys) == ["m:fine1", "m:fine2"]


async def test_batches_in_flight_overlap_up_to_the_limit(
    sessionmaker: Maker, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = asyncio.Event()
    writing: list[str] = []

    async def store_when_released(session: AsyncSession, updates: Any) -> Any:
        writing.append(updates[0].dedup_key)
        await release.wait()
        return await store_updates(session, updates)

    monkeypatch.setattr("app.inbox.ingest.store_updates", store_when_released)
    batcher = IngestBatcher(sessionmaker, max_wait_ms=0, max_batch=1, max_in_flight=2)
    futures = [batcher.enqueue([message(f"p{i}")]) for i in range(3)]
    for _ in range(20):
        await asyncio.sleep(0)
    assert writing == ["m:p0", "m:p1"]  # the third waits for a free slot
    release.set()
    outcomes = await asyncio.gather(*futures)
    assert [o.stored for o in outcomes] == [1, 1, 1]
    assert (writing, batcher.transactions) == (["m:p0", "m:p1", "m:p2"], 3)
    await batcher.aclose()
    assert await _count(sessionmaker, InboundEvent) == 3


async def test_listeners_hear_about_new_rows_only(sessionmaker: Maker) -> None:
    batcher = IngestBatcher(sessionmaker, max_wait_ms=0)
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("listener bug")

    batcher.add_listener(lambda: calls.append("stored"))
    batcher.add_listener(broken)
    assert (await batcher.submit([message("l1")])).stored == 1
    assert (await batcher.submit([message("l1")])).duplicates == 1
    assert calls == ["stored"]
    await batcher.aclose()


async def test_a_cancelled_waiter_does_not_disturb_the_others(sessionmaker: Maker) -> None:
    batcher = IngestBatcher(sessionmaker, max_wait_ms=60_000, max_batch=2)
    gone = batcher.enqueue([message("c1")])
    gone.cancel()
    kept = batcher.enqueue([message("c2")])
    assert (await kept).stored == 1
    await batcher.aclose()
    assert await _count(sessionmaker, InboundEvent) == 2  # stored anyway: Meta gets a duplicate


async def test_two_processes_storing_the_same_deliveries_store_once(sessionmaker: Maker) -> None:
    """Two batchers stand for two `serve` processes behind a load balancer."""
    first = IngestBatcher(sessionmaker, max_wait_ms=0)
    second = IngestBatcher(sessionmaker, max_wait_ms=0)
    deliveries = [[message(f"x{i}", wa_id="628777", user_id="ID.x")] for i in range(10)]
    outcomes = await asyncio.gather(
        *(batcher.submit(d) for d in deliveries for batcher in (first, second))
    )
    assert sum(o.stored for o in outcomes) == 10
    assert await _count(sessionmaker, InboundEvent) == 10
    async with sessionmaker() as session:
        assert await resident_identities(session) == [("ID.x", "628777", None)]
    await first.aclose()
    await second.aclose()


async def test_concurrent_deliveries_attach_the_bsuid_to_one_resident(sessionmaker: Maker) -> None:
    async with unit_of_work(sessionmaker) as session:
        await store_updates(session, [message("old", wa_id="628888")])

    async def deliver(index: int) -> None:
        async with unit_of_work(sessionmaker) as session:
            await store_updates(session, [message(f"r{index}", wa_id="628888", user_id="ID.r")])

    await asyncio.gather(*(deliver(i) for i in range(6)))
    async with sessionmaker() as session:
        assert await resident_identities(session) == [("ID.r", "628888", None)]
    assert await _count(sessionmaker, InboundEvent) == 7
