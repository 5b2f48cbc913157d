"""Routing a new request: the handling office at the service's level, and the pre-checking village.

The tree (names as offices write them, prefixes and all):

    KAB-S  Kabupaten Sinjai (regency)
    ├── KEC-SU  Kecamatan Sinjai Utara
    │   ├── D-LAPPA    Kantor Desa Lappa
    │   ├── D-LAPPAU   Desa Lappa Utara
    │   └── K-BIRI     Kelurahan Biringere
    ├── KEC-ST  Kecamatan Sinjai Timur
    │   ├── D-SAMA     Desa Samataring
    │   └── D-BALA1    Desa Balangnipa
    └── KEC-TL  Kecamatan Tellu Limpoe
        └── D-BALA2    Desa Balangnipa   (the same name in another district)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.models import Office
from app.offices.service import NewOffice, create_office
from app.requests import service as requests
from app.requests.routing import Route, distinctive_words, route_request, village_named_in
from app.residents.models import Resident

TREE = [
    ("KAB-S", "Kabupaten Sinjai", "regency", None),
    ("KEC-SU", "Kecamatan Sinjai Utara", "district", "KAB-S"),
    ("KEC-ST", "Kecamatan Sinjai Timur", "district", "KAB-S"),
    ("KEC-TL", "Kecamatan Tellu Limpoe", "district", "KAB-S"),
    ("D-LAPPA", "Kantor Desa Lappa", "village", "KEC-SU"),
    ("D-LAPPAU", "Desa Lappa Utara", "village", "KEC-SU"),
    ("K-BIRI", "Kelurahan Biringere", "village", "KEC-SU"),
    ("D-SAMA", "Desa Samataring", "village", "KEC-ST"),
    ("D-BALA1", "Desa Balangnipa", "village", "KEC-ST"),
    ("D-BALA2", "Desa Balangnipa", "village", "KEC-TL"),
]


@pytest.fixture
async def db_session(db_session: AsyncSession) -> AsyncSession:
    """The test's transaction without the root office a migration seeds: only TREE exists."""
    await db_session.execute(update(Office).values(parent_id=None))
    await db_session.execute(delete(Office))
    return db_session


async def _tree(session: AsyncSession, rows: list[tuple[str, str, str, str | None]] = TREE):
    made: dict[str, Office] = {}
    for code, name, level, parent in rows:
        made[code] = await create_office(session, NewOffice(code, name, level, parent))
    return made


def _codes(route: Route) -> tuple[str | None, str | None]:
    return (
        route.office.code if route.office else None,
        route.precheck_office.code if route.precheck_office else None,
    )


async def _route(session: AsyncSession, level: str, alamat: Any, **more: Any) -> Route:
    return await route_request(session, level=level, fields={"alamat": alamat}, **more)


def test_an_office_name_loses_its_prefixes() -> None:
    assert distinctive_words("Kantor Desa Lappa") == ("lappa",)
    assert distinctive_words("KELURAHAN  Biringere") == ("biringere",)
    assert distinctive_words("Nagari Sungai Kamuyang") == ("sungai", "kamuyang")
    assert distinctive_words("Desa") == ()


def test_a_village_is_found_by_whole_words_and_the_longest_name_wins() -> None:
    lappa = Office(id=1, name="Kantor Desa Lappa", level="village")
    utara = Office(id=2, name="Desa Lappa Utara", level="village")
    bare = Office(id=3, name="Desa", level="village")
    villages = [lappa, utara, bare]
    assert village_named_in(["Dusun II RT 01/RW 02, Desa Lappa"], villages) is lappa
    assert village_named_in(["dsn. ii, ds. LAPPA utara"], villages) is utara
    assert village_named_in(["Desa Lappanrang"], villages) is None
    assert village_named_in(["Lappa", "Lappa Utara"], villages) is None  # two villages named
    assert village_named_in([], villages) is None


async def test_a_district_service_goes_to_the_residents_district_via_its_village(
    db_session: AsyncSession,
) -> None:
    await _tree(db_session)
    route = await _route(db_session, "district", "Dusun II RT 01/RW 02, Desa Lappa")
    assert _codes(route) == ("KEC-SU", "D-LAPPA")
    route = await _route(db_session, "district", "jl. poros, kel. BIRINGERE")
    assert _codes(route) == ("KEC-SU", "K-BIRI")
    route = await _route(db_session, "district", "Lingkungan Samataring")
    assert _codes(route) == ("KEC-ST", "D-SAMA")


async def test_a_regency_service_is_pre_checked_by_the_village_too(
    db_session: AsyncSession,
) -> None:
    await _tree(db_session)
    route = await _route(db_session, "regency", "Desa Lappa Utara, Sinjai")
    assert _codes(route) == ("KAB-S", "D-LAPPAU")


async def test_a_village_service_stays_at_the_village_without_a_pre_check(
    db_session: AsyncSession,
) -> None:
    await _tree(db_session)
    route = await _route(db_session, "village", "Desa Lappa")
    assert _codes(route) == ("D-LAPPA", None)


async def test_no_or_an_ambiguous_village_routes_as_before(db_session: AsyncSession) -> None:
    await _tree(db_session)
    # Three districts: no single one, so the root; and no pre-check.
    for alamat in ("Desa Balangnipa", "Desa Lappanrang", "Lappa dan Samataring", 42, None):
        assert _codes(await _route(db_session, "district", alamat)) == ("KAB-S", None), alamat
    assert _codes(await _route(db_session, "village", "Jl. Melati 3")) == ("KAB-S", None)


async def test_a_district_named_in_the_address_tells_namesake_villages_apart(
    db_session: AsyncSession,
) -> None:
    await _tree(db_session)
    route = await _route(db_session, "district", "Desa Balangnipa, Kec. Sinjai Timur")
    assert _codes(route) == ("KEC-ST", "D-BALA1")
    route = await _route(db_session, "district", "Balangnipa, kecamatan TELLU LIMPOE")
    assert _codes(route) == ("KEC-TL", "D-BALA2")
    # Naming a district without either namesake village in it decides nothing.
    route = await _route(db_session, "district", "Desa Balangnipa, Kec. Sinjai Utara")
    assert _codes(route) == ("KAB-S", None)


async def test_the_only_office_of_the_level_takes_an_unplaced_request(
    db_session: AsyncSession,
) -> None:
    await _tree(db_session, TREE[:2])
    assert _codes(await _route(db_session, "district", "Jl. Melati 3")) == ("KEC-SU", None)


async def test_no_offices_at_all(db_session: AsyncSession) -> None:
    assert _codes(await _route(db_session, "district", "Desa Lappa")) == (None, None)


async def test_a_counter_at_a_village_is_the_residents_village(db_session: AsyncSession) -> None:
    offices = await _tree(db_session)
    origin = offices["D-SAMA"].id
    route = await _route(db_session, "district", "Desa Lappa", origin_office_id=origin)
    assert _codes(route) == ("KEC-ST", "D-SAMA")
    route = await _route(db_session, "village", "Desa Lappa", origin_office_id=origin)
    assert _codes(route) == ("D-SAMA", None)


async def test_a_counter_at_a_district_looks_among_its_own_villages(
    db_session: AsyncSession,
) -> None:
    offices = await _tree(db_session)
    origin = offices["KEC-SU"].id
    route = await _route(db_session, "district", "Desa Lappa", origin_office_id=origin)
    assert _codes(route) == ("KEC-SU", "D-LAPPA")
    # Samataring is in another district: the counter's own district handles it, unchecked.
    route = await _route(db_session, "district", "Desa Samataring", origin_office_id=origin)
    assert _codes(route) == ("KEC-SU", None)
    # Balangnipa is ambiguous across the regency but not within Sinjai Timur.
    route = await _route(
        db_session, "district", "Desa Balangnipa", origin_office_id=offices["KEC-ST"].id
    )
    assert _codes(route) == ("KEC-ST", "D-BALA1")
    # A village service taken at a district counter with no village named: as before.
    route = await _route(db_session, "village", "Jl. Melati", origin_office_id=origin)
    assert _codes(route) == ("KAB-S", None)


async def test_submit_stores_the_route(db_session: AsyncSession) -> None:
    offices = await _tree(db_session)
    resident = Resident(wa_id="6289900000009", name="Siti", language="id")
    db_session.add(resident)
    await db_session.flush()
    request = await requests.submit(
        db_session,
        resident_id=resident.id,
        service_code="ktp",
        variant="baru",
        fields={"nama": "Siti Aminah", "alamat": "Dusun II RT 01/RW 02, Desa Lappa"},
        documents=[],
        language="id",
        office_level="district",
        ticket_prefix_override="KTP",
        due_date=date(2026, 12, 11),
        now=datetime(2026, 11, 22, 2, 0, tzinfo=UTC),
        local_today=date(2026, 11, 22),
    )
    assert (request.office_id, request.precheck_office_id, request.prechecked_at) == (
        offices["KEC-SU"].id,
        offices["D-LAPPA"].id,
        None,
    )
