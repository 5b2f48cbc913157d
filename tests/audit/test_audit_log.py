"""The audit page's SQL: exact rows of each log within a scope, filters and keyset pages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.service import AuditAction, record
from app.db import unit_of_work
from app.operators.service import Scope
from app.reports import audit_log
from app.reports.audit_log import AuditFilter
from tests.support.audit_trail import AuditTrail, at, seed_audit_trail
from tests.support.factories import World

EVERYTHING = AuditFilter()


@pytest.fixture
def sessionmaker(
    rolling_sessionmaker: async_sessionmaker[AsyncSession],
) -> async_sessionmaker[AsyncSession]:
    """Nothing here needs a second connection: every commit is rolled back after the test."""
    return rolling_sessionmaker


@pytest.fixture
async def trail(sessionmaker: async_sessionmaker[AsyncSession], world: World) -> AuditTrail:
    return await seed_audit_trail(sessionmaker, world)


def subtree(trail: AuditTrail, *codes: str) -> frozenset[int]:
    return frozenset(trail.offices[code] for code in codes)


def kab_scope(trail: AuditTrail) -> frozenset[int]:
    return subtree(trail, "KAB", "KEC-A", "KEC-B", "DESA-A1", "DESA-A2", "DESA-B1")


async def actions(
    sessionmaker: async_sessionmaker[AsyncSession],
    trail: AuditTrail,
    scope: Scope,
    wanted: AuditFilter = EVERYTHING,
    **page: Any,
) -> list[str]:
    names = {v: k for k, v in trail.actions.items()}
    async with sessionmaker() as session:
        rows = await audit_log.list_actions(
            session, scope, wanted, after=page.get("after"), limit=page.get("limit", 50)
        )
    return [names[row.id] for row in rows]


async def test_actions_are_scoped_by_the_rows_office(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    kab = await actions(sessionmaker, trail, kab_scope(trail))
    assert kab == ["A8", "A7", "A4", "A3", "A2", "A1"]
    assert await actions(sessionmaker, trail, None) == [
        "A8", "A7", "A6", "A5", "A4", "A3", "A2", "A1",
    ]  # fmt: skip
    kec_a = subtree(trail, "KEC-A", "DESA-A1", "DESA-A2")
    assert await actions(sessionmaker, trail, kec_a) == ["A8", "A4", "A1"]
    assert await actions(sessionmaker, trail, frozenset()) == []


async def test_action_rows_carry_every_column(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    async with sessionmaker() as session:
        rows = await audit_log.list_actions(
            session, kab_scope(trail), AuditFilter(actor="operator:*"), after=None, limit=50
        )
    assert [
        (r.id, r.at, r.actor, r.action, r.target, r.office_code, r.ip, r.detail, r.target_is_ticket)
        for r in rows
    ] == [
        (trail.actions["A8"], at(21, 1), "operator:kec_a", "forwarded", "KK-261120-0001",
         "KEC-A", "10.0.0.1", {}, True),
        (trail.actions["A4"], at(20, 5), "operator:desa_a1", "pickup_override",
         "KTP-261120-0001", "DESA-A1", None, {"note": "kode hilang"}, True),
        (trail.actions["A3"], at(20, 4), "operator:kab", "export", "requests.csv", "KAB",
         "10.0.0.3", {"rows": 7}, False),
        (trail.actions["A1"], at(20, 2), "operator:kec_a", "login", "kec_a", "KEC-A",
         "10.0.0.1", {}, False),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (AuditFilter(actor="operator:kec_a"), ["A8", "A1"]),
        (AuditFilter(actor="operator:k*"), ["A8", "A3", "A1"]),
        (AuditFilter(actor="operator:k"), []),  # without "*" the actor must match exactly
        (AuditFilter(actor="operator_*"), []),  # "_" is a character, not a LIKE wildcard
        (AuditFilter(action=AuditAction.LOGIN_FAILED.value), ["A7", "A2"]),
        (AuditFilter(text="ktp-261120"), ["A4"]),
        (AuditFilter(text="%"), []),
        (AuditFilter(since=at(20, 4), until=at(20, 18, 30)), ["A4", "A3"]),
        (AuditFilter(actor="anonymous", since=at(20, 18, 30)), ["A7"]),
    ],
)
async def test_action_filters(
    sessionmaker: async_sessionmaker[AsyncSession],
    trail: AuditTrail,
    wanted: AuditFilter,
    expected: list[str],
) -> None:
    assert await actions(sessionmaker, trail, kab_scope(trail), wanted) == expected


async def test_action_pages_follow_each_other_exactly(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    seen: list[str] = []
    after = None
    names = {v: k for k, v in trail.actions.items()}
    while True:
        async with sessionmaker() as session:
            rows = await audit_log.list_actions(session, None, EVERYTHING, after=after, limit=3)
        seen.append(",".join(names[r.id] for r in rows))
        if len(rows) < 3:
            break
        after = (rows[-1].at, rows[-1].id)
    assert seen == ["A8,A7,A6", "A5,A4,A3", "A2,A1"]


async def test_rows_at_the_same_moment_page_by_id(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with unit_of_work(sessionmaker) as session:
        events = [
            record(session, actor="cli", action=AuditAction.EXPORT, target=f"t{i}", at=at(22, 1))
            for i in range(5)
        ]
    ids = [e.id for e in events]
    async with sessionmaker() as session:
        first = await audit_log.list_actions(session, None, EVERYTHING, after=None, limit=2)
        second = await audit_log.list_actions(
            session, None, EVERYTHING, after=(first[-1].at, first[-1].id), limit=2
        )
        third = await audit_log.list_actions(
            session, None, EVERYTHING, after=(second[-1].at, second[-1].id), limit=2
        )
    assert [[r.id for r in page] for page in (first, second, third)] == [
        [ids[4], ids[3]],
        [ids[2], ids[1]],
        [ids[0]],
    ]


async def reads(
    sessionmaker: async_sessionmaker[AsyncSession],
    trail: AuditTrail,
    scope: Scope,
    wanted: AuditFilter = EVERYTHING,
) -> list[tuple[Any, ...]]:
    names = {v: k for k, v in trail.reads.items()}
    documents = {v: k for k, v in trail.documents.items()}
    async with sessionmaker() as session:
        rows = await audit_log.list_document_reads(session, scope, wanted, after=None, limit=50)
    return [
        (names[r.id], r.at, r.actor, r.action, r.reason, documents.get(r.document_id), r.tickets)
        for r in rows
    ]


async def test_document_reads_are_scoped_by_the_requests_they_serve(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    d1 = ("D1", at(20, 2), "operator:desa_a1", "view", "dashboard", "shared")
    d2 = ("D2", at(20, 3), "operator:kab", "download", "api", "desa_b1", ("KTP-261120-0003",))
    assert await reads(sessionmaker, trail, kab_scope(trail)) == [
        d2,
        (*d1, ("KK-261120-0001", "KTP-261120-0001")),
    ]
    assert await reads(sessionmaker, trail, None) == [
        ("D5", at(20, 6), "operator:root", "delete", "erasure", None, ()),
        ("D4", at(20, 5), "operator:lain", "view", "dashboard", "lain", ("LAIN-261120-0001",)),
        ("D3", at(20, 4), "system", "view", "intake", "loose", ()),
        d2,
        (*d1, ("KK-261120-0001", "KTP-261120-0001")),
    ]
    # A village sees the read, but only the ticket of its own request.
    desa_a1 = subtree(trail, "DESA-A1")
    assert await reads(sessionmaker, trail, desa_a1) == [(*d1, ("KTP-261120-0001",))]
    assert await reads(sessionmaker, trail, frozenset()) == []


async def test_document_read_filters(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    by_ticket = await reads(sessionmaker, trail, None, AuditFilter(text="kk-2611"))
    assert [(r[0], r[-1]) for r in by_ticket] == [("D1", ("KK-261120-0001", "KTP-261120-0001"))]
    by_actor = await reads(sessionmaker, trail, kab_scope(trail), AuditFilter(actor="operator:kab"))
    assert [r[0] for r in by_actor] == ["D2"]
    by_day = await reads(sessionmaker, trail, None, AuditFilter(since=at(20, 4), until=at(20, 6)))
    assert [r[0] for r in by_day] == ["D4", "D3"]


async def history(
    sessionmaker: async_sessionmaker[AsyncSession],
    trail: AuditTrail,
    scope: Scope,
    wanted: AuditFilter = EVERYTHING,
) -> list[tuple[Any, ...]]:
    names = {v: k for k, v in trail.history.items()}
    async with sessionmaker() as session:
        rows = await audit_log.list_operator_history(session, scope, wanted, after=None, limit=50)
    return [
        (names[r.id], r.at, r.actor, r.ticket, r.from_status, r.to_status, r.kind, r.note)
        for r in rows
    ]


H1 = ("H1", at(20, 2), "operator:desa_a1", "KTP-261120-0001", "submitted", "in_review", None, None)
H2 = ("H2", at(20, 3), "operator:kec_a", "KK-261120-0001", None, None, "note", "cek berkas")
H3 = ("H3", at(20, 4), "operator:desa_b1", "KTP-261120-0003", "in_review", "processing", None,
      None)  # fmt: skip


async def test_operator_history_is_scoped_by_the_requests_office(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    assert await history(sessionmaker, trail, kab_scope(trail)) == [H3, H2, H1]
    assert await history(sessionmaker, trail, None) == [
        ("H6", at(20, 7), "operator:root", "AKTA-261120-0001", None, None, "note", "untuk pusat"),
        ("H5", at(20, 6), "operator:lain", "LAIN-261120-0001", "submitted", "in_review", None,
         None),
        H3,
        H2,
        H1,
    ]  # fmt: skip
    assert await history(sessionmaker, trail, subtree(trail, "KEC-B", "DESA-B1")) == [H3]


async def test_operator_history_filters(
    sessionmaker: async_sessionmaker[AsyncSession], trail: AuditTrail
) -> None:
    kab = kab_scope(trail)
    assert await history(sessionmaker, trail, kab, AuditFilter(text="0003")) == [H3]
    assert await history(sessionmaker, trail, kab, AuditFilter(actor="operator:kec_a")) == [H2]
    assert await history(sessionmaker, trail, kab, AuditFilter(until=at(20, 3))) == [H1]
