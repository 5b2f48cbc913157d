"""The rolling-back sessionmaker: commits inside a test stay inside it and are undone after."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import unit_of_work
from app.offices.models import Office, OfficeLevel
from tests.support.rolling import rolling_back


def _office(code: str) -> Office:
    return Office(code=code, name="Kantor uji", level=OfficeLevel.DISTRICT)


async def _offices_coded(engine: AsyncEngine, prefix: str) -> list[str]:
    async with engine.connect() as conn:
        found = await conn.execute(select(Office.code).where(Office.code.like(prefix + "%")))
        return sorted(found.scalars())


async def test_commits_are_seen_inside_and_undone_after(engine: AsyncEngine) -> None:
    async with rolling_back(engine) as sessionmaker:
        async with unit_of_work(sessionmaker) as session:
            session.add(_office("ROLL-1"))
        async with sessionmaker() as session:
            assert await session.scalar(select(func.count()).where(Office.code == "ROLL-1")) == 1
    assert await _offices_coded(engine, "ROLL-") == []


async def test_a_block_that_raises_rolls_back_only_its_own_work(engine: AsyncEngine) -> None:
    async with rolling_back(engine) as sessionmaker:
        async with unit_of_work(sessionmaker) as session:
            session.add(_office("ROLL-2"))
        try:
            async with unit_of_work(sessionmaker) as session:
                session.add(_office("ROLL-3"))
                await session.flush()
                raise RuntimeError("refused")
        except RuntimeError:
            pass
        async with sessionmaker() as session:
            codes = await session.scalars(select(Office.code).where(Office.code.like("ROLL-%")))
            assert sorted(codes) == ["ROLL-2"]
    assert await _offices_coded(engine, "ROLL-") == []
