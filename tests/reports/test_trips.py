"""Trips to the office per completed request: the grouped query on the seeded history (both
databases), the operator's scope, one statement, and the sums per service and office."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.offices.models import Office
from app.operators.models import Operator
from app.operators.service import scope_of
from app.reports import repository
from app.reports.filters import Period
from app.reports.repository import Narrowing, TripCount
from app.reports.trips import Trips, trip_figures
from tests.support.factories import World, build_world
from tests.support.figures_seed import FIRST_DAY, LAST_DAY, WIB, seed_figures

PERIOD = Period(FIRST_DAY, LAST_DAY, WIB)


async def _seeded(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    world = await build_world(sessionmaker)
    await seed_figures(sessionmaker, world)
    return world


async def _counts(
    sessionmaker: async_sessionmaker[AsyncSession],
    world: World,
    username: str | None,
    **narrow: Any,
) -> list[tuple[str, str, int, int]]:
    """(service, office code, trips, requests), sorted, as `username` sees them (None: admin)."""
    codes = {office_id: code for code, office_id in world.offices.items()}
    async with sessionmaker() as session:
        scope = None
        if username is not None:
            operator = await session.scalar(select(Operator).where(Operator.username == username))
            assert operator is not None
            scope = await scope_of(session, operator)
        narrowing = Narrowing(scope, **narrow)
        rows = await repository.trips_between(session, narrowing, PERIOD.start, PERIOD.end)
    return sorted((r.service, codes[r.office_id or 0], r.trips, r.requests) for r in rows)


async def test_each_completion_path_counts_its_trips(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _seeded(sessionmaker)
    # Completed 11-01..11-07 (tests/support/figures_seed.py): A1-0000 counter + collected = 2,
    # A1-0001 chat + collected = 1, A1-0002 chat + home delivery = 0, A2-0001 chat + PDF in the
    # chat = 0, B1-0001 counter + completed digitally from processing = 1. KTP-KAB-0001 was
    # rejected and KTP-A2-0002 completed on 11-08: neither counts.
    assert await _counts(sessionmaker, world, None) == [
        ("ktp", "DESA-A1", 0, 1),
        ("ktp", "DESA-A1", 1, 1),
        ("ktp", "DESA-A1", 2, 1),
        ("ktp", "DESA-A2", 0, 1),
        ("ktp", "DESA-B1", 1, 1),
    ]


async def test_an_operator_counts_only_the_requests_of_its_offices(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _seeded(sessionmaker)
    assert await _counts(sessionmaker, world, "kec_b") == [("ktp", "DESA-B1", 1, 1)]
    assert await _counts(sessionmaker, world, "desa_a1") == [
        ("ktp", "DESA-A1", 0, 1),
        ("ktp", "DESA-A1", 1, 1),
        ("ktp", "DESA-A1", 2, 1),
    ]
    office = frozenset({world.offices["DESA-A2"]})
    assert await _counts(sessionmaker, world, "kec_a", offices=office) == [("ktp", "DESA-A2", 0, 1)]
    assert await _counts(sessionmaker, world, "kec_a", service="kk") == []


async def test_the_trips_are_counted_in_one_grouped_statement(
    sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    await _seeded(sessionmaker)
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    async with sessionmaker() as session:
        event.listen(engine.sync_engine, "before_cursor_execute", note)
        try:
            await repository.trips_between(session, Narrowing(None), PERIOD.start, PERIOD.end)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", note)
    selects = [s for s in statements if s.upper().startswith("SELECT")]
    assert len(selects) == 1
    # The history is read inside the statement (EXISTS), and only grouped counts come back.
    assert "EXISTS (SELECT" in selects[0].upper()
    assert selects[0].upper().endswith("GROUP BY ANON_1.SERVICE, ANON_1.OFFICE_ID, ANON_1.TRIPS")


def test_the_counts_add_up_per_service_and_per_office() -> None:
    offices = {
        1: Office(id=1, code="DESA-A1", name="Desa A1", level="village"),
        2: Office(id=2, code="DESA-A2", name="Desa A2", level="village"),
    }
    rows = [
        TripCount("kk", 2, 0, 4),
        TripCount("ktp", 1, 0, 1),
        TripCount("ktp", 1, 2, 1),
        TripCount("ktp", 2, 1, 2),
        TripCount("ktp", None, 1, 1),  # no handling office
        TripCount("ktp", 9, 0, 1),  # an office since removed
    ]
    names = {"ktp": "KTP-el", "kk": "KK"}
    found = trip_figures(rows, ["ktp", "kk"], names, offices, "(dihapus)")
    assert found.by_service == [
        Trips("ktp", "KTP-el", (2, 3, 1)),
        Trips("kk", "KK", (4, 0, 0)),
    ]
    assert found.by_office == [
        Trips("DESA-A1", "Desa A1", (1, 0, 1)),
        Trips("DESA-A2", "Desa A2", (4, 2, 0)),
        Trips("", "(dihapus)", (1, 1, 0)),
    ]
    assert found.total == Trips("", "", (6, 3, 1))
    assert found.total.completed == 10
    assert [found.total.percent(n) for n in range(3)] == [60.0, 30.0, 10.0]
    assert trip_figures([], [], names, offices, "(dihapus)").total is None
