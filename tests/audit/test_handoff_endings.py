"""Hand-offs ended by the resident or by the timer in the audit log: filters and scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.service import AuditAction, record
from app.db import unit_of_work
from app.reports import audit_log
from app.reports.audit_log import AuditFilter
from tests.support.factories import World

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def sessionmaker(
    rolling_sessionmaker: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """Nothing here needs a second connection: every commit is rolled back after the test."""
    return rolling_sessionmaker


async def seed(sessionmaker: async_sessionmaker[AsyncSession], world: World) -> None:
    async with unit_of_work(sessionmaker) as session:
        for actor, action, office in (
            ("resident", AuditAction.HANDOFF_ENDED_BY_RESIDENT, "DESA-A1"),
            ("system", AuditAction.HANDOFF_TIMED_OUT, "DESA-A1"),
            ("system", AuditAction.HANDOFF_TIMED_OUT, "DESA-B1"),
            ("operator:budi", AuditAction.HANDOFF_ENDED, "DESA-A1"),
        ):
            record(
                session,
                actor=actor,
                action=action,
                target="conversation:7",
                office_id=world.offices[office],
                detail={"resident_id": 3, "until": AT.isoformat()},
                at=AT,
            )


async def listed(
    sessionmaker: async_sessionmaker[AsyncSession], scope: frozenset[int], action: str
) -> list[tuple[str, str, str | None]]:
    async with sessionmaker() as session:
        rows = await audit_log.list_actions(
            session, scope, AuditFilter(action=action), after=None, limit=50
        )
    return [(row.actor, row.action, row.office_code) for row in rows]


async def test_each_ending_is_its_own_action_and_follows_the_office_scope(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    await seed(sessionmaker, world)
    desa_a1 = frozenset({world.offices["DESA-A1"]})
    assert await listed(sessionmaker, desa_a1, "handoff_timed_out") == [
        ("system", "handoff_timed_out", "DESA-A1")
    ]
    assert await listed(sessionmaker, desa_a1, "handoff_ended_by_resident") == [
        ("resident", "handoff_ended_by_resident", "DESA-A1")
    ]
    assert await listed(sessionmaker, desa_a1, "handoff_ended") == [
        ("operator:budi", "handoff_ended", "DESA-A1")
    ]
