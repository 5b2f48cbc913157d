"""SQL for requests, their history, documents and ticket numbers."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import is_postgres
from app.offices.models import Office
from app.requests.models import Request, RequestDocument, RequestEvent, TicketCounter
from app.requests.status import OPEN, RequestStatus


async def next_serial(session: AsyncSession, *, prefix: str, day: str) -> int:
    """Atomically take the next serial for `prefix` on `day` (an upsert returning it)."""
    dialect = postgresql if is_postgres(session) else sqlite
    stmt = dialect.insert(TicketCounter).values(prefix=prefix, day=day, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["prefix", "day"], set_={"last": TicketCounter.last + 1}
    ).returning(TicketCounter.last)
    return int((await session.execute(stmt)).scalar_one())


async def get_by_ticket(session: AsyncSession, ticket: str) -> Request | None:
    return (
        await session.execute(select(Request).where(Request.ticket == ticket))
    ).scalar_one_or_none()


async def open_of_resident(session: AsyncSession, resident_id: int) -> Sequence[Request]:
    """The resident's requests that are not finished yet, newest first."""
    result = await session.execute(_open_of_resident(), {"resident_id": resident_id})
    return result.scalars().all()


async def documents_of(session: AsyncSession, request_id: int) -> Sequence[RequestDocument]:
    stmt = (
        select(RequestDocument)
        .where(RequestDocument.request_id == request_id)
        .order_by(RequestDocument.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def history_of(session: AsyncSession, request_id: int) -> Sequence[RequestEvent]:
    stmt = (
        select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id)
    )
    return (await session.execute(stmt)).scalars().all()


async def office_for_level(session: AsyncSession, level: str) -> Office | None:
    """The office for a service of `level`: the only office of that level, else the root."""
    at_level = (
        (await session.execute(select(Office).where(Office.level == level).limit(2)))
        .scalars()
        .all()
    )
    if len(at_level) == 1:
        return at_level[0]
    return await root_office(session)


async def root_office(session: AsyncSession) -> Office | None:
    """The office at the top of the tree (the regency's or city's own), if any."""
    return (await session.execute(_root_office())).scalar_one_or_none()


# Statements of every conversation step, built once and executed with parameters: building one
# costs more Python than running it from SQLAlchemy's cache (bench/RESULTS.md).
@functools.cache
def _open_of_resident() -> Select[Request]:
    open_statuses = [s.value for s in OPEN if s is not RequestStatus.COLLECTING]
    return (
        select(Request)
        .where(Request.resident_id == bindparam("resident_id"), Request.status.in_(open_statuses))
        .order_by(Request.id.desc())
    )


@functools.cache
def _root_office() -> Select[Office]:
    return select(Office).where(Office.parent_id.is_(None)).order_by(Office.id).limit(1)


async def offices_by_id(session: AsyncSession) -> dict[int, Office]:
    """Every office by id: routing walks the (small) tree in memory instead of query by query."""
    offices = (await session.execute(select(Office).order_by(Office.id))).scalars().all()
    return {office.id: office for office in offices}
