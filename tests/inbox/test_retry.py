"""Retrying a set-aside event: exactly once, audited, and never an event that was handled."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.db import unit_of_work
from app.inbox import service
from app.inbox.models import InboundEvent
from app.inbox.processor import InboundProcessor
from tests.support.inbox_failures import (
    load_event,
    run_until_set_aside,
    seed_internal,
    seed_messages,
)


class Flaky:
    """A handler that fails until it is "fixed", counting the runs per event."""

    def __init__(self) -> None:
        self.fixed = False
        self.runs: list[int] = []

    async def __call__(self, session: AsyncSession, event: InboundEvent) -> None:
        self.runs.append(event.id)
        if not self.fixed:
            raise ValueError("bug")


async def _retry(sessionmaker, event_id: int, actor: str = "operator:root") -> None:
    async with unit_of_work(sessionmaker) as session:
        await service.retry(session, event_id, actor=actor, ip="10.0.0.5")


async def test_a_retried_event_runs_once_after_the_fix(sessionmaker) -> None:
    (event_id,) = await seed_messages(sessionmaker, ["halo"])
    handler = Flaky()
    worker = InboundProcessor(sessionmaker, handler)
    await run_until_set_aside(worker)
    assert handler.runs == [event_id] * 3

    handler.fixed = True
    await _retry(sessionmaker, event_id)
    pending = await load_event(sessionmaker, event_id)
    assert (pending.failed_at, pending.processed_at, pending.attempts, pending.last_error) == (
        None,
        None,
        0,
        None,
    )
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert handler.runs == [event_id] * 4
    done = await load_event(sessionmaker, event_id)
    assert done.processed_at is not None and done.failed_at is None

    async with sessionmaker() as session:
        (audit,) = (await session.execute(select(AuditEvent))).scalars().all()
    assert (audit.actor, audit.action, audit.target, audit.ip) == (
        "operator:root",
        "inbox_retry",
        f"inbound_event:{event_id}",
        "10.0.0.5",
    )
    assert audit.detail == {
        "kind": "message",
        "subject": "text",
        "resident_id": done.resident_id,
        "attempts": 3,
        "error": "ValueError: bug",
    }


async def test_a_second_retry_of_the_same_event_is_refused(sessionmaker) -> None:
    """Two admins press "retry" at once: the event is queued (and run) once."""
    (event_id,) = await seed_messages(sessionmaker, ["halo"])
    handler = Flaky()
    worker = InboundProcessor(sessionmaker, handler)
    await run_until_set_aside(worker)
    handler.fixed = True

    await _retry(sessionmaker, event_id)
    with pytest.raises(service.NotRetryable, match=f"inbound event {event_id} is still pending"):
        await _retry(sessionmaker, event_id)
    await worker.run_once()
    with pytest.raises(service.NotRetryable, match="is already processed"):
        await _retry(sessionmaker, event_id)
    assert handler.runs == [event_id] * 4


async def test_a_processed_or_unknown_event_cannot_be_retried(sessionmaker) -> None:
    (event_id,) = await seed_messages(sessionmaker, ["halo"])
    handler = Flaky()
    handler.fixed = True
    await InboundProcessor(sessionmaker, handler).run_once()

    with pytest.raises(service.NotRetryable) as refused:
        await _retry(sessionmaker, event_id)
    assert str(refused.value) == (
        f"inbound event {event_id} is already processed; only events set aside after "
        "repeated failures can be retried"
    )
    with pytest.raises(service.InboundEventNotFound, match="inbound event 999999 does not exist"):
        await _retry(sessionmaker, 999_999)
    async with sessionmaker() as session:
        assert (await session.execute(select(AuditEvent))).scalars().all() == []


async def test_set_aside_events_are_listed_most_recent_first_with_their_subject(
    sessionmaker,
) -> None:
    first, second, handled = await seed_messages(sessionmaker, ["a", "b", "c"])
    resident_id = (await load_event(sessionmaker, first)).resident_id
    internal = await seed_internal(
        sessionmaker,
        resident_id,
        {"type": "operator", "kind": "correction_needed", "ticket": "KTP-261202-0001"},
        "correction:KTP-261202-0001",
    )

    async def fail_some(session: AsyncSession, event: InboundEvent) -> None:
        if event.id != handled:
            raise ValueError(f"bad {event.id}")

    # A pass tries the resident's blocking event once; each of the three takes its tries in turn.
    for _ in range(3):
        await run_until_set_aside(InboundProcessor(sessionmaker, fail_some))

    async with sessionmaker() as session:
        rows = await service.list_failed(session)
    listed = [(event.id, service.subject_of(event), resident.wa_id) for event, resident in rows]
    assert sorted(listed) == sorted(
        [
            (first, "text", "6281234500077"),
            (second, "text", "6281234500077"),
            (internal, "correction_needed", "6281234500077"),
        ]
    )
    failed_at = [event.failed_at for event, _ in rows]
    assert failed_at == sorted(failed_at, reverse=True)
