"""The CSV and XLSX export: exact content read back, scope, filters, masking, audit, the cap."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.dashboard import export_rows
from tests.support.clients import Dashboard
from tests.support.factories import World
from tests.support.figures_seed import PERIOD, WIB, seed_figures

HEADER_ID = [
    "Tiket", "Layanan", "Jenis", "Status", "Kode kantor", "Saluran", "Diajukan pada", "Tenggat",
    "Selesai pada", "Tepat waktu", "Datang ke kantor", "Nama pemohon", "Nama profil WhatsApp",
    "Nomor WhatsApp", "NIK (disamarkan)",
]  # fmt: skip
# The name in the answers, the WhatsApp profile's name (the same here) and the number.
SITI = ["Siti Aminah", "Siti Aminah", "6289900000011"]
# The second resident's name is a formula: the CSV must show it as text.
FORMULA = ['\'=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', "6289900000012"]
KTP, KK = ["KTP-el", "KTP-el baru"], ["Kartu Keluarga (KK)", "KK baru (menikah)"]
NIK_1, NIK_3 = "3201********0001", "3201********0003"
# Visits to the office of a completed request (the rule in app/reports/trips.py): A2-0002 and
# A1-0001 were collected at the counter, A2-0001's PDF reached the chat, A1-0002 went home.
NONE, ONE = "Tanpa datang ke kantor", "Sekali datang"
# KEC-A's requests submitted 2026-11-01..07 (WIB), newest first (see tests/reports/seed.py).
KEC_A_WEEK = [
    ["KTP-A2-0002", *KTP, "Selesai", "DESA-A2", "WhatsApp",
     "2026-11-07 08:00", "2026-11-21", "2026-11-08 00:30", "ya", ONE, *FORMULA, NIK_1],
    ["KTP-A1-0003", *KTP, "Diajukan", "DESA-A1", "WhatsApp",
     "2026-11-04 12:00", "2026-11-18", "", "", "", *SITI, NIK_1],
    ["KK-KECA-0002", *KK, "Perlu perbaikan", "KEC-A", "WhatsApp",
     "2026-11-04 08:00", "2026-11-07", "", "", "", *FORMULA, NIK_3],
    ["KTP-A2-0001", *KTP, "Selesai", "DESA-A2", "WhatsApp",
     "2026-11-03 10:00", "2026-11-06", "2026-11-06 10:00", "ya", NONE, *FORMULA, NIK_1],
    ["KK-KECA-0001", *KK, "Diperiksa", "KEC-A", "WhatsApp",
     "2026-11-02 08:00", "2026-11-05", "", "", "", *SITI, NIK_3],
    ["KTP-A1-0002", *KTP, "Selesai", "DESA-A1", "WhatsApp",
     "2026-11-02 06:00", "2026-11-05", "2026-11-06 18:00", "tidak", NONE, *SITI, NIK_1],
    ["KTP-A1-0001", *KTP, "Selesai", "DESA-A1", "WhatsApp",
     "2026-11-01 09:00", "2026-11-05", "2026-11-03 09:00", "ya", ONE, *FORMULA, NIK_1],
]  # fmt: skip


async def _export(dash: Dashboard, username: str, kind: str, **params: str) -> bytes:
    dash.client.cookies.clear()  # a fresh session: the previous operator is signed out
    answer = await dash.login(username)
    assert answer.status_code == 303
    response = await dash.client.get(f"/dashboard/export.{kind}", params=params)
    assert response.status_code == 200, response.text
    today = datetime.now(WIB).strftime("%Y%m%d")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="loket-permohonan-{today}.{kind}"'
    )
    return response.content


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def _audits(dash: Dashboard) -> list[AuditEvent]:
    async with dash.sessionmaker() as session:
        found = await session.execute(select(AuditEvent).where(AuditEvent.action == "export"))
        return list(found.scalars().all())


async def test_the_csv_lists_the_operators_requests_exactly(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    content = await _export(dash, "kec_a", "csv", **PERIOD)
    assert _csv_rows(content) == [HEADER_ID, *KEC_A_WEEK]
    assert content.count(b"\r\n") == 8
    # Only masked identity numbers leave the building.
    for full in (b"3201014508900003", b"3201021203850001", b"3201012208150007"):
        assert full not in content
    [audit] = await _audits(dash)
    assert (audit.actor, audit.target, audit.office_id) == (
        "operator:kec_a",
        "csv",
        world.offices["KEC-A"],
    )
    assert audit.detail == {"filters": PERIOD, "rows": 7, "cut": False}


async def test_the_csv_response_is_utf8_text(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    await dash.login("desa_a1")
    response = await dash.client.get("/dashboard/export.csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"


async def test_the_xlsx_has_the_same_rows_with_real_dates(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    content = await _export(dash, "kec_a", "xlsx", **PERIOD)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Permohonan"]
    sheet = book["Permohonan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER_ID
    assert list(rows[1]) == [
        "KTP-A2-0002", *KTP, "Selesai", "DESA-A2", "WhatsApp", datetime(2026, 11, 7, 8, 0),
        datetime(2026, 11, 21), datetime(2026, 11, 8, 0, 30), "ya", ONE,
        '=HYPERLINK("http://x")', '=HYPERLINK("http://x")', "6289900000012", NIK_1,
    ]  # fmt: skip
    assert list(rows[2])[6:10] == [datetime(2026, 11, 4, 12, 0), datetime(2026, 11, 18), None, None]
    assert [row[0] for row in rows[1:]] == [row[0] for row in KEC_A_WEEK]
    # The formula-looking name is stored as text, so a spreadsheet never evaluates it.
    name = sheet.cell(row=2, column=12)
    assert name.data_type == "s"
    assert sheet.cell(row=2, column=7).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.cell(row=2, column=8).number_format == "yyyy-mm-dd"
    [audit] = await _audits(dash)
    assert (audit.target, audit.detail["rows"]) == ("xlsx", 7)


async def test_exports_follow_the_scope(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    kec_b = _csv_rows(await _export(dash, "kec_b", "csv"))
    assert [row[0] for row in kec_b[1:]] == ["AKTA-B-0001", "KTP-B1-0001"]
    desa = _csv_rows(await _export(dash, "desa_a1", "csv"))
    tickets = ["KTP-A1-0003", "KTP-A1-0002", "KTP-A1-0001", "KTP-A1-0000"]
    assert [row[0] for row in desa[1:]] == tickets


async def test_the_queue_filters_apply(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    cases = [
        ({"status": "needs_correction,in_review"}, ["KK-KECA-0002", "KK-KECA-0001"]),
        ({"service": "kk", "q": "siti"}, ["KK-KECA-0001"]),
        ({"office": "DESA-A2"}, ["KTP-A2-0002", "KTP-A2-0001"]),
        ({"q": "0899-0000-0012", "status": "completed"},
         ["KTP-A2-0002", "KTP-A2-0001", "KTP-A1-0001"]),
        # Open at the start: everything submitted up to the end of 2 November (WIB).
        ({"to": "2026-11-02"}, ["KK-KECA-0001", "KTP-A1-0002", "KTP-A1-0001", "KTP-A1-0000"]),
        ({"from": "2026-11-04"}, ["KTP-A2-0002", "KTP-A1-0003", "KK-KECA-0002"]),
    ]  # fmt: skip
    for params, tickets in cases:
        rows = _csv_rows(await _export(dash, "kec_a", "csv", **params))
        assert [row[0] for row in rows[1:]] == tickets, params


async def test_bad_filters_give_an_error_page_and_no_audit(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    await dash.login("kec_a")
    cases = [
        ("csv", {"status": "hilang"}, "Filter tidak valid."),
        ("xlsx", {"from": "1-11-2026"}, "Tanggal tidak valid."),
        ("csv", {"from": "2026-11-07", "to": "2026-11-01"}, "Tanggal awal harus sebelum"),
        ("xlsx", {"office": "DESA-B1"}, "Kantor tidak dikenal atau di luar wilayah kerja Anda."),
        ("csv", {"q": "siti\x00"}, "Filter tidak valid."),
    ]
    for kind, params, reason in cases:
        page = await dash.client.get(f"/dashboard/export.{kind}", params=params)
        assert page.status_code == 422, params
        assert page.headers["content-type"].startswith("text/html")
        assert reason in page.text
    assert await _audits(dash) == []


async def test_english_headers_and_values(dash: Dashboard, world: World) -> None:
    await seed_figures(dash.sessionmaker, world)
    rows = _csv_rows(await _export(dash, "desa_a1", "csv", lang="en", **PERIOD))
    assert rows[0][:4] == ["Ticket", "Service", "Variant", "Status"]
    assert rows[3] == [
        "KTP-A1-0001", "ID card (KTP-el)", "New card", "Completed", "DESA-A1", "WhatsApp",
        "2026-11-01 09:00", "2026-11-05", "2026-11-03 09:00", "yes", "One visit", *FORMULA, NIK_1,
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_a_long_export_is_cut_and_says_so(
    dash: Dashboard, world: World, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setattr(export_rows, "EXPORT_LIMIT", 3)
    monkeypatch.setattr(export_rows, "PAGE_SIZE", 2)  # the walk crosses pages
    await seed_figures(dash.sessionmaker, world)
    content = await _export(dash, "kec_a", kind, **PERIOD)
    if kind == "csv":
        rows = _csv_rows(content)
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [
            [cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)
        ]
    assert [row[0] for row in rows[1:4]] == ["KTP-A2-0002", "KTP-A1-0003", "KK-KECA-0002"]
    assert rows[4] == ["Daftar dipotong pada 3 baris. Persempit filter untuk mengunduh sisanya."]
    assert len(rows) == 5
    [audit] = await _audits(dash)
    assert audit.detail == {"filters": PERIOD, "rows": 3, "cut": True}


async def test_paging_through_the_listing_misses_nothing(
    dash: Dashboard, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_rows, "PAGE_SIZE", 2)
    await seed_figures(dash.sessionmaker, world)
    rows = _csv_rows(await _export(dash, "kec_a", "csv", **PERIOD))
    assert rows == [HEADER_ID, *KEC_A_WEEK]
