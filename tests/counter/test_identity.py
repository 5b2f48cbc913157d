"""Who a counter request is for: phone numbers as WhatsApp ids, residents found by NIK."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.counter.forms import FieldError, build_form
from app.counter.identity import Applicant, Lookup, find_applicant, prefill, wa_id_of
from app.flows.catalog import Catalog, shipped_catalog
from tests.support.counter import NIK
from tests.support.factories import add_request, add_resident, ktp_fields

TODAY = date(2026, 11, 20)
# An admin without an office: every office's requests (scoping has its own tests).
EVERYWHERE = Lookup("operator:root", None, None, "127.0.0.1", datetime(2026, 11, 20, tzinfo=UTC))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return shipped_catalog()


@pytest.mark.parametrize(
    "typed",
    ["0812 3456 7890", "0812-3456-7890", "+62 812-3456-7890", "62 812 3456 7890", "6281234567890"],
)
def test_a_mobile_number_becomes_the_whatsapp_id(typed: str) -> None:
    assert wa_id_of(typed) == "6281234567890"


@pytest.mark.parametrize("typed", ["", "  ", "12", "0812", "021 5551234", "halo", "+1 202"])
def test_anything_but_a_mobile_number_is_refused(typed: str) -> None:
    assert wa_id_of(typed) is None


async def test_a_phone_number_finds_the_resident_who_holds_it(
    db_session: AsyncSession, catalog: Catalog
) -> None:
    siti = await add_resident(db_session, "6281234567890", "Siti Aminah")
    found, errors = await find_applicant(
        db_session, catalog, phone="0812 3456 7890", nik="", today=TODAY, by=EVERYWHERE
    )
    assert (found, errors) == (Applicant("6281234567890", siti, None), {})


async def test_a_new_number_is_a_resident_still_to_create(
    db_session: AsyncSession, catalog: Catalog
) -> None:
    found, errors = await find_applicant(
        db_session, catalog, phone="+62 812 0000 1111", nik=f" {NIK} ", today=TODAY, by=EVERYWHERE
    )
    assert (found, errors) == (Applicant("6281200001111", None, NIK), {})


async def test_an_nik_finds_the_one_resident_who_applied_with_it(
    db_session: AsyncSession, catalog: Catalog
) -> None:
    siti = await add_resident(db_session, "6281234567890", "Siti Aminah")
    other = await add_resident(db_session, "6281234567891", "Budi Santoso")
    await add_request(db_session, ticket="KTP-261120-0001", resident=siti, office_id=None)
    await add_request(
        db_session,
        ticket="AKTA-261120-0001",
        resident=siti,
        office_id=None,
        service="akta_kelahiran",
        fields={"nik_pelapor": NIK, "nama_anak": "Bayi"},
    )
    await add_request(
        db_session,
        ticket="KTP-261120-0002",
        resident=other,
        office_id=None,
        fields=ktp_fields("3201021203850001", "Budi Santoso"),
    )
    found, errors = await find_applicant(
        db_session, catalog, phone="", nik="3201 0145 0890 0003", today=TODAY, by=EVERYWHERE
    )
    assert (found, errors) == (Applicant("6281234567890", siti, NIK), {})


async def test_an_nik_of_several_residents_or_of_none_asks_for_the_phone(
    db_session: AsyncSession, catalog: Catalog
) -> None:
    found, errors = await find_applicant(
        db_session, catalog, phone="", nik=NIK, today=TODAY, by=EVERYWHERE
    )
    assert (found, errors) == (None, {"phone": FieldError("nik_unknown")})
    for number, ticket in (("6281234567890", "KTP-261120-0001"), ("6281234567891", "KK-1")):
        resident = await add_resident(db_session, number, "Siti Aminah")
        await add_request(db_session, ticket=ticket, resident=resident, office_id=None)
    found, errors = await find_applicant(
        db_session, catalog, phone="", nik=NIK, today=TODAY, by=EVERYWHERE
    )
    assert (found, errors) == (None, {"phone": FieldError("nik_ambiguous")})


async def test_wrong_or_missing_identity_says_which_input(
    db_session: AsyncSession, catalog: Catalog
) -> None:
    cases = [
        ("", "", {"phone": FieldError("identity_missing")}),
        ("021 5551234", "", {"phone": FieldError("phone")}),
        ("", "32010145089", {"nik": FieldError("nik_length", {"count": 11})}),
        (
            "0812",
            "3201014508900000",
            {"phone": FieldError("phone"), "nik": FieldError("nik_serial")},
        ),
        ("0812 3456 7890", "1234", {"nik": FieldError("nik_length", {"count": 4})}),
    ]
    for phone, nik, expected in cases:
        found, errors = await find_applicant(
            db_session, catalog, phone=phone, nik=nik, today=TODAY, by=EVERYWHERE
        )
        assert (found, errors) == (None, expected), (phone, nik)


def test_step_one_prefills_the_nik_and_phone_questions(catalog: Catalog) -> None:
    applicant = Applicant("6281234567890", None, NIK)
    assert prefill(build_form(catalog.services["ktp"], "baru"), applicant) == {"nik": NIK}
    sipi = build_form(catalog.services["sipi_perpanjangan"], None)
    assert prefill(sipi, applicant) == {"nik": NIK, "no_hp": "081234567890"}
    assert prefill(sipi, Applicant(None, None, None)) == {}
