"""SQL for offices: look-ups by code and id, creation, and the subtree below an office."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.models import Office


async def get(session: AsyncSession, office_id: int) -> Office | None:
    return await session.get(Office, office_id)


async def get_by_code(session: AsyncSession, code: str) -> Office | None:
    return (await session.execute(select(Office).where(Office.code == code))).scalar_one_or_none()


async def codes_by_id(session: AsyncSession, office_ids: Sequence[int]) -> dict[int, str]:
    """The code of each office in `office_ids` (unknown ids are left out)."""
    if not office_ids:
        return {}
    rows = await session.execute(select(Office.id, Office.code).where(Office.id.in_(office_ids)))
    return {office_id: code for office_id, code in rows}


async def add(session: AsyncSession, office: Office) -> Office:
    session.add(office)
    await session.flush()
    return office


async def subtree_ids(session: AsyncSession, office_id: int) -> set[int]:
    """`office_id` and every office below it, at any depth (empty when it does not exist).

    One recursive query, the same on SQLite and PostgreSQL; the tree is shallow (regency,
    district, village) but nothing here depends on that.
    """
    tree = select(Office.id).where(Office.id == office_id).cte("subtree", recursive=True)
    children = select(Office.id).join(tree, Office.parent_id == tree.c.id)
    tree = tree.union(children)
    rows = await session.execute(select(tree.c.id))
    return {int(row) for row in rows.scalars()}


async def all_offices(session: AsyncSession) -> Sequence[Office]:
    """Every office, in creation order."""
    return (await session.execute(select(Office).order_by(Office.id))).scalars().all()
