"""Rules for offices: the regency → district → village tree, and the scope an office covers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.offices import repository
from app.offices.models import Office, OfficeLevel

# Codes are typed by administrators on the command line and shown in the API: keep them plain.
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
# The level a parent must have, for each level; a regency is a root and has no parent.
PARENT_LEVEL: dict[OfficeLevel, OfficeLevel | None] = {
    OfficeLevel.REGENCY: None,
    OfficeLevel.DISTRICT: OfficeLevel.REGENCY,
    OfficeLevel.VILLAGE: OfficeLevel.DISTRICT,
}


class OfficeError(ValueError):
    """An office cannot be created as asked; the message says why (one line)."""


@dataclass(frozen=True)
class NewOffice:
    """What an administrator gives to create an office."""

    code: str
    name: str
    level: str
    parent_code: str | None = None
    address: str | None = None
    hours: str | None = None


def parse_level(level: str) -> OfficeLevel:
    """The level named `level`; OfficeError for anything else."""
    try:
        return OfficeLevel(level)
    except ValueError:
        raise OfficeError(
            f"unknown office level {level!r}: use regency, district or village"
        ) from None


async def create_office(
    session: AsyncSession, new: NewOffice, *, now: datetime | None = None
) -> Office:
    """Create an office under its parent, enforcing the tree's shape.

    A regency has no parent; a district sits under a regency and a village under a district.
    Raises OfficeError for a bad or taken code, an empty name, an unknown level or parent, or a
    parent at the wrong level.
    """
    code = new.code.strip()
    name = new.name.strip()
    if not _CODE.match(code):
        raise OfficeError(
            f"invalid office code {new.code!r}: 1-32 letters, digits, '-', '_' or '.'"
        )
    if not name:
        raise OfficeError("the office name is empty")
    if len(name) > 200:
        raise OfficeError("the office name is longer than 200 characters")
    level = parse_level(new.level)
    if await repository.get_by_code(session, code) is not None:
        raise OfficeError(f"an office with code {code} already exists")
    parent = await _parent_for(session, level, new.parent_code)
    return await repository.add(
        session,
        Office(
            code=code,
            name=name,
            level=level.value,
            parent_id=parent.id if parent else None,
            address=(new.address or "").strip() or None,
            hours=(new.hours or "").strip() or None,
            created_at=now or utcnow(),
        ),
    )


async def _parent_for(
    session: AsyncSession, level: OfficeLevel, parent_code: str | None
) -> Office | None:
    wanted = PARENT_LEVEL[level]
    if wanted is None:
        if parent_code:
            raise OfficeError("a regency office has no parent office")
        return None
    if not parent_code:
        raise OfficeError(f"a {level.value} office needs --parent, the code of a {wanted.value}")
    parent = await repository.get_by_code(session, parent_code.strip())
    if parent is None:
        raise OfficeError(f"no office with code {parent_code}")
    if parent.level != wanted.value:
        raise OfficeError(
            f"a {level.value} office must sit under a {wanted.value}, "
            f"but {parent.code} is a {parent.level}"
        )
    return parent


async def descendants(session: AsyncSession, office_id: int) -> set[int]:
    """The ids of the office and of every office under it (the scope an operator there sees)."""
    return await repository.subtree_ids(session, office_id)


async def get_by_code(session: AsyncSession, code: str) -> Office | None:
    """The office with this code, if any."""
    return await repository.get_by_code(session, code)
