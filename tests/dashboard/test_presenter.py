"""Operators read words, never codes: the presenter, and the pages and export that use it."""

from __future__ import annotations

import csv
import io
import re
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from app.conversations.transcript import ChatLine
from app.dashboard.audit_detail import detail_items
from app.dashboard.presenter import Applicant, Presenter, applicant_of
from app.db import unit_of_work
from app.flows.catalog import shipped_catalog
from app.operators.models import Operator
from tests.support.clients import Dashboard
from tests.support.factories import START, World, add_document, add_request, add_resident

WIB = ZoneInfo("Asia/Jakarta")
TICKET = "SIPI-261120-0001"
SIPI_FIELDS = {
    "nik": "3201014508900003",
    "nama": "Daeng Rahman",
    "nama_kapal": "KM Bahari Jaya",
    "alat_tangkap": "jaring_insang",
    "sipi_berlaku_sampai": "2026-12-31",
    "ada_perubahan": "tidak",
}
JPEG = b"\xff\xd8\xff\xe0" + b"synthetic-jpeg-bytes" * 10


def _presenter(lang: str = "id") -> Presenter:
    names = {"budi": "Budi Santoso"}
    return Presenter(shipped_catalog(), lang, WIB, names)


def test_codes_become_the_catalogs_titles_and_labels() -> None:
    p, en = _presenter(), _presenter("en")
    assert (p.service("sipi_perpanjangan"), en.service("sipi_perpanjangan")) == (
        "Perpanjangan SIPI",
        "SIPI renewal",
    )
    assert p.variant("ktp", "hilang") == "KTP-el hilang"
    assert p.answer("ktp", "jenis_kelamin", "laki_laki") == "Laki-laki"
    assert en.answer("sipi_perpanjangan", "alat_tangkap", "jaring_insang") == "Gillnet"
    assert p.answer("ktp", "tanggal_lahir", "1990-08-17") == "17 Agustus 1990"
    assert en.answer("ktp", "tanggal_lahir", "1990-08-17") == "17 August 1990"
    assert p.answer("ktp", "nik", "3201014508900003") == "3201014508900003"
    assert p.field_label("sipi_perpanjangan", "alat_tangkap") == "Alat tangkap"
    # What the catalog no longer knows shows as stored rather than disappearing.
    assert p.service("gone") == "gone"
    assert p.answer("sipi_perpanjangan", "alat_tangkap", "pukat") == "pukat"
    assert p.answer("ktp", "tanggal_lahir", "kemarin") == "kemarin"


def test_two_files_for_one_requirement_are_told_apart() -> None:
    labels = _presenter().document_labels("sipi_perpanjangan", ["bkp", "sipi_lama", "bkp"])
    assert labels == ["Buku Kapal Perikanan (1)", "SIPI lama", "Buku Kapal Perikanan (2)"]


def test_people_chat_and_times_in_words() -> None:
    p, en = _presenter(), _presenter("en")
    assert p.actor("operator:budi") == "Budi Santoso"
    assert p.actor("operator:gone") == "gone"
    assert (p.actor("resident"), en.actor("system")) == ("warga", "system")
    assert p.moment(START) == "20 November 2026, 08.00"
    assert en.moment(START, seconds=True) == "20 November 2026, 08:00:00"
    photo = ChatLine(START, True, "", "image")
    assert (p.chat_text(photo), en.chat_text(photo)) == ("[foto]", "[photo]")
    assert p.chat_text(ChatLine(START, True, "KTP saya", "image")) == "[foto] KTP saya"
    assert p.chat_text(ChatLine(START, True, "", "audio")) == "[pesan suara]"
    assert applicant_of({"nama": "Daeng Rahman"}, "Daeng 🐟") == Applicant(
        "Daeng Rahman", "Daeng 🐟"
    )
    assert applicant_of({"nama_anak": "Bayi"}, "Siti") == Applicant("Siti", "")
    assert applicant_of({"nama": "Siti  Aminah"}, "siti aminah") == Applicant("Siti  Aminah", "")


def test_audit_details_are_named_items() -> None:
    p = _presenter()
    offices = {6: "Kantor Desa B1"}
    exported = {"filters": {"status": "in_review,submitted", "service": "ktp"}, "rows": 7}
    assert detail_items(exported, p, offices) == [
        ("Filter", "Status: Diperiksa, Diajukan; Layanan: KTP-el"),
        ("Baris", "7"),
    ]
    forwarded = {"ok": 3, "problems": 1, "precheck_office_id": 6}
    assert detail_items(forwarded, p, offices) == [
        ("Sesuai", "3"),
        ("Bermasalah", "1"),
        ("Desa pra-periksa", "Kantor Desa B1"),
    ]
    assert detail_items({"assignee": "budi", "new": [1]}, p, offices) == [
        ("Petugas", "Budi Santoso"),
        ("new", "[1]"),
    ]
    assert detail_items({"by": "nik", "result": "other_office"}, p, offices) == [
        ("Dicari dengan", "NIK"),
        ("Hasil", "hanya di kantor lain (tidak ditampilkan)"),
    ]


async def _sipi(dash: Dashboard, world: World) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Operator).where(Operator.username == "desa_a1").values(display_name="Nur Aini")
        )
        daeng = await add_resident(session, "6289900000031", "Daeng 🐟")
        request = await add_request(
            session,
            ticket=TICKET,
            resident=daeng,
            office_id=world.offices["DESA-A1"],
            service="sipi_perpanjangan",
            variant=None,
            fields=SIPI_FIELDS,
        )
        request.assigned_operator_id = await session.scalar(
            select(Operator.id).where(Operator.username == "desa_a1")
        )
        for page in (1, 2):
            await add_document(
                session,
                dash.runtime.store,
                resident=daeng,
                requirement="bkp",
                content=JPEG + bytes([page]),
                attach_to=request,
            )


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def test_the_request_page_and_the_queue_read_as_words(dash: Dashboard, world: World) -> None:
    await _sipi(dash, world)
    await dash.sign_in("desa_a1")
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    assert '<span id="service">Perpanjangan SIPI</span>' in page
    assert '<strong id="applicant">Daeng Rahman</strong>' in page
    assert '<small class="profile" id="profile-name">Profil WhatsApp: Daeng 🐟</small>' in page
    assert '<dd data-field="alat_tangkap">Jaring insang</dd>' in page
    assert '<dd data-field="sipi_berlaku_sampai">31 Desember 2026</dd>' in page
    assert '<dd data-field="ada_perubahan">Tidak</dd>' in page
    labels = re.findall(r'<span class="doc-label">([^<]*)</span>', page)
    assert labels == ["Buku Kapal Perikanan (1)", "Buku Kapal Perikanan (2)"]
    assert "Nur Aini" in page and "jaring_insang" not in page
    english = (await dash.client.get(f"/dashboard/requests/{TICKET}?lang=en")).text
    assert '<dd data-field="alat_tangkap">Gillnet</dd>' in english
    assert '<dd data-field="sipi_berlaku_sampai">31 December 2026</dd>' in english

    queue = (await dash.client.get("/dashboard/?lang=id")).text
    row = re.search(rf'<tr[^>]*data-ticket="{TICKET}">(.*?)</tr>', queue, re.S)
    assert row is not None
    assert _text(row.group(1)) == (
        f"{TICKET} Perpanjangan SIPI Daeng Rahman Profil WhatsApp: Daeng 🐟 6289900000031 "
        "3201********0003 Diajukan 3 Desember 2029 Nur Aini"
    )


async def test_the_export_uses_the_same_words(dash: Dashboard, world: World) -> None:
    await _sipi(dash, world)
    await dash.sign_in("desa_a1")
    content = (await dash.client.get("/dashboard/export.csv")).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[1][1:4] == ["Perpanjangan SIPI", "", "Diajukan"]
    assert rows[1][11:14] == ["Daeng Rahman", "Daeng 🐟", "6289900000031"]
