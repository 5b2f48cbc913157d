"""Assignment and internal notes: who may hold a request, what the history and audit record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.models import AuditEvent
from app.db import unit_of_work
from app.operators.models import Operator
from app.requests import work
from app.requests.models import Request, RequestEvent
from tests.support.factories import World, build_world, seed_requests

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def sessionmaker(
    rolling_sessionmaker: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """Nothing here needs a second connection: every commit is rolled back after the test."""
    return rolling_sessionmaker


@pytest.fixture
async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    built = await build_world(sessionmaker)
    await seed_requests(sessionmaker, built)
    return built


async def _request(session: AsyncSession, ticket: str) -> Request:
    stmt = select(Request).where(Request.ticket == ticket)
    return (await session.execute(stmt)).scalar_one()


async def _operator(session: AsyncSession, username: str) -> Operator:
    stmt = select(Operator).where(Operator.username == username)
    return (await session.execute(stmt)).scalar_one()


async def _events(session: AsyncSession, request: Request) -> list[RequestEvent]:
    stmt = select(RequestEvent).where(RequestEvent.request_id == request.id)
    return list((await session.execute(stmt.order_by(RequestEvent.id))).scalars())


async def test_assignable_operators_work_at_the_office_or_above_it(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with unit_of_work(sessionmaker) as session:
        village = await _request(session, "KTP-261120-0001")  # DESA-A1
        district = await _request(session, "KK-261120-0001")  # KEC-A
        assert [o.username for o in await work.assignable(session, village)] == [
            "desa_a1",
            "kab",
            "kec_a",
            "root",
        ]
        assert [o.username for o in await work.assignable(session, district)] == [
            "kab",
            "kec_a",
            "root",
        ]


async def test_assigning_records_history_and_audit_once(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with unit_of_work(sessionmaker) as session:
        request = await _request(session, "KTP-261120-0001")
        kec_a = await _operator(session, "kec_a")
        await work.assign(session, request, assignee=kec_a, actor="operator:kab", now=NOW)
        # The same holder again changes nothing.
        await work.assign(session, request, assignee=kec_a, actor="operator:kab", now=NOW)
        await work.assign(session, request, assignee=None, actor="operator:kec_a", now=NOW)
    async with sessionmaker() as session:
        request = await _request(session, "KTP-261120-0001")
        assert request.assigned_operator_id is None
        kinds = [(e.actor, e.data) for e in await _events(session, request)][1:]
        assert kinds == [
            ("operator:kab", {"kind": "assigned", "assignee": "kec_a"}),
            ("operator:kec_a", {"kind": "assigned", "assignee": None}),
        ]
        audit = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        assert [(a.actor, a.action, a.target, a.detail) for a in audit] == [
            ("operator:kab", "assigned", "KTP-261120-0001", {"assignee": "kec_a"}),
            ("operator:kec_a", "assigned", "KTP-261120-0001", {"assignee": None}),
        ]


async def test_an_operator_of_another_office_or_inactive_cannot_hold_it(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with unit_of_work(sessionmaker) as session:
        request = await _request(session, "KK-261120-0001")  # KEC-A
        with pytest.raises(work.WorkRefused, match="desa_a1 does not work at the handling office"):
            await work.assign(
                session,
                request,
                assignee=await _operator(session, "desa_a1"),
                actor="operator:kec_a",
                now=NOW,
            )
        await session.execute(
            update(Operator).where(Operator.username == "kab").values(active=False)
        )
        kab = await _operator(session, "kab")
        await session.refresh(kab)
        with pytest.raises(work.WorkRefused, match="kab is no longer active") as refused:
            await work.assign(session, request, assignee=kab, actor="operator:kec_a", now=NOW)
        assert refused.value.key == "err_assignee"
        assert request.assigned_operator_id is None


async def test_notes_are_trimmed_and_bounded(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with unit_of_work(sessionmaker) as session:
        request = await _request(session, "KTP-261120-0001")
        event = await work.add_note(
            session, request, actor="operator:desa_a1", text="  KK difoto ulang  ", now=NOW
        )
        assert (event.note, event.data, event.from_status, event.to_status) == (
            "KK difoto ulang",
            {"kind": "note"},
            None,
            None,
        )
        for text, key in (
            ("   ", "err_note_empty"),
            ("x" * 2001, "err_note_long"),
            ("a\x00", "err_note_long"),
        ):
            with pytest.raises(work.WorkRefused) as refused:
                await work.add_note(session, request, actor="operator:desa_a1", text=text, now=NOW)
            assert refused.value.key == key
