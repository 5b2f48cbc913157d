"""Offices: the regency → district → village tree and the scope below an office."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.models import Office
from app.offices.service import NewOffice, OfficeError, create_office, descendants


async def _tree(session: AsyncSession) -> dict[str, Office]:
    made: dict[str, Office] = {}
    for code, level, parent in [
        ("T-KAB", "regency", None),
        ("T-KEC-1", "district", "T-KAB"),
        ("T-KEC-2", "district", "T-KAB"),
        ("T-DESA-1A", "village", "T-KEC-1"),
        ("T-DESA-1B", "village", "T-KEC-1"),
        ("T-DESA-2A", "village", "T-KEC-2"),
    ]:
        made[code] = await create_office(session, NewOffice(code, f"Kantor {code}", level, parent))
    return made


async def test_an_office_is_created_under_its_parent(db_session: AsyncSession) -> None:
    offices = await _tree(db_session)
    village = offices["T-DESA-1A"]
    assert (village.level, village.parent_id) == ("village", offices["T-KEC-1"].id)
    assert offices["T-KAB"].parent_id is None
    assert village.name == "Kantor T-DESA-1A"


async def test_address_and_hours_are_kept_trimmed(db_session: AsyncSession) -> None:
    office = await create_office(
        db_session,
        NewOffice("T-SOLO", " Kantor Solo ", "regency", address=" Jl. Contoh 1 ", hours=" "),
    )
    assert (office.name, office.address, office.hours) == ("Kantor Solo", "Jl. Contoh 1", None)


async def test_descendants_cover_the_office_and_everything_below(db_session: AsyncSession) -> None:
    offices = await _tree(db_session)
    ids = {code: office.id for code, office in offices.items()}
    assert await descendants(db_session, ids["T-KAB"]) == set(ids.values())
    assert await descendants(db_session, ids["T-KEC-1"]) == {
        ids["T-KEC-1"],
        ids["T-DESA-1A"],
        ids["T-DESA-1B"],
    }
    assert await descendants(db_session, ids["T-DESA-2A"]) == {ids["T-DESA-2A"]}
    assert await descendants(db_session, 987654) == set()


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (NewOffice("T-X", "X", "district", None), "a district office needs --parent"),
        (NewOffice("T-X", "X", "village", None), "a village office needs --parent"),
        (NewOffice("T-X", "X", "regency", "T-KAB"), "a regency office has no parent office"),
        (NewOffice("T-X", "X", "village", "T-KAB"), "a village office must sit under a district"),
        (NewOffice("T-X", "X", "district", "T-KEC-1"), "must sit under a regency"),
        (NewOffice("T-X", "X", "district", "NOPE"), "no office with code NOPE"),
        (NewOffice("T-X", "X", "province", None), "unknown office level 'province'"),
        (NewOffice("T-KEC-1", "X", "district", "T-KAB"), "code T-KEC-1 already exists"),
        (NewOffice("bad code", "X", "regency", None), "invalid office code 'bad code'"),
        (NewOffice("", "X", "regency", None), "invalid office code ''"),
        (NewOffice("T-X", "  ", "regency", None), "the office name is empty"),
        (NewOffice("T-X", "n" * 201, "regency", None), "longer than 200 characters"),
    ],
)
async def test_a_misplaced_or_malformed_office_is_refused(
    db_session: AsyncSession, new: NewOffice, reason: str
) -> None:
    await _tree(db_session)
    with pytest.raises(OfficeError) as caught:
        await create_office(db_session, new)
    assert reason in str(caught.value)
