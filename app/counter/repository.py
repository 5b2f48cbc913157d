"""SQL for the counter: finding the resident behind a phone number or an NIK."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.audit.service import AuditAction
from app.offices.models import Office
from app.operators.service import Scope
from app.requests.models import Request
from app.requests.visibility import visible
from app.residents.models import Resident


async def resident_by_wa_id(session: AsyncSession, wa_id: str) -> Resident | None:
    """The resident WhatsApp knows by this number, if any."""
    stmt = select(Resident).where(Resident.wa_id == wa_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def residents_with_nik(
    session: AsyncSession,
    nik: str,
    field_keys: Sequence[str],
    *,
    scope: Scope,
    limit: int = 2,
) -> list[int]:
    """Ids of residents (at most `limit`) with an earlier request, which `scope` sees, whose NIK
    answer is `nik` (scope None: every office's requests)."""
    if not field_keys:
        return []
    matches = [Request.fields[key].as_string() == nik for key in field_keys]
    stmt = (
        select(Request.resident_id)
        .where(or_(*matches), visible(scope))
        .distinct()
        .order_by(Request.resident_id)
        .limit(limit)
    )
    return [int(found) for found in (await session.execute(stmt)).scalars()]


async def looked_up_since(
    session: AsyncSession, actor: str, target: str, result: str, since: datetime
) -> bool:
    """True when `actor` has a `resident_lookup` audit row for `target` with `result` since then."""
    condition = exists().where(
        AuditEvent.action == AuditAction.RESIDENT_LOOKUP.value,
        AuditEvent.actor == actor,
        AuditEvent.target == target,
        AuditEvent.at >= since,
        AuditEvent.detail["result"].as_string() == result,
    )
    return bool(await session.scalar(select(condition)))


async def offices_in_tree_order(session: AsyncSession) -> list[tuple[Office, int]]:
    """Every office with its depth, each under its parent (what an admin without an office
    picks from): regency, its first district, that district's villages, the next district..."""
    rows = (await session.execute(select(Office).order_by(Office.name, Office.id))).scalars().all()
    children: dict[int | None, list[Office]] = {}
    for office in rows:
        children.setdefault(office.parent_id, []).append(office)
    ordered: list[tuple[Office, int]] = []
    stack = [(office, 0) for office in reversed(children.get(None, []))]
    while stack:
        office, depth = stack.pop()
        ordered.append((office, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(office.id, [])))
    return ordered
