"""The export writers: formula neutralizing, CSV chunks and BOM, XLSX types, localized cells."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from app.dashboard import export
from app.dashboard.export_rows import ExportRow
from app.dashboard.presenter import Presenter
from app.flows.catalog import shipped_catalog

WIB = ZoneInfo("Asia/Jakarta")

ROW = ExportRow(
    ticket="KTP-261120-0001",
    service="ktp",
    variant="hilang",
    status="ready_for_pickup",
    office="DESA-A1",
    channel="counter",
    submitted_at=datetime(2026, 11, 20, 8, 5),
    due_date=date(2026, 12, 4),
    completed_at=None,
    on_time=None,
    trips=None,
    name="Siti Aminah",
    profile_name="Siti",
    wa_id=None,
    nik="3201********0003",
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+62 812", "'+62 812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Siti = Aminah", "Siti = Aminah"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text: str, shown: str) -> None:
    assert export.neutralized(text) == shown


def test_cells_are_in_column_order_and_in_the_operators_language() -> None:
    catalog = shipped_catalog()
    assert export.cells(ROW, Presenter(catalog, "id", WIB)) == [
        "KTP-261120-0001", "KTP-el", "KTP-el hilang", "Siap diambil", "DESA-A1", "Loket",
        datetime(2026, 11, 20, 8, 5), date(2026, 12, 4), None, "", "", "Siti Aminah", "Siti", "",
        "3201********0003",
    ]  # fmt: skip
    done = export.cells(
        ExportRow(
            **{**ROW.__dict__, "service": "gone", "variant": "x", "on_time": False, "trips": 2}
        ),
        Presenter(catalog, "en", WIB),
    )
    assert done[1:4] == ["gone", "x", "Ready for pickup"]
    assert done[9:11] == ["no", "Two visits"]
    assert export.header("en")[0] == "Ticket" and len(export.header("en")) == 15
    assert export.header("en")[10] == "Visits to the office"


def test_csv_starts_with_a_bom_and_comes_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "CSV_CHUNK_ROWS", 2)
    rows = [["=cmd", datetime(2026, 11, 20, 8, 5), date(2026, 12, 4), None]] * 5
    chunks = list(export.csv_chunks(["A", "B", "C", "D"], rows, "cut here"))
    assert len(chunks) == 3  # rows 1-2 with the header, 3-4, then 5 and the note
    content = b"".join(chunks)
    assert content.startswith(b"\xef\xbb\xbfA,B,C,D\r\n")
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert parsed[1] == ["'=cmd", "2026-11-20 08:05", "2026-12-04", ""]
    assert len(parsed) == 7 and parsed[-1] == ["cut here"]


def test_xlsx_keeps_text_as_text_and_dates_as_dates() -> None:
    rows = [["=1+2", "bad\x01char", datetime(2026, 11, 20, 8, 5), date(2026, 12, 4), None]]
    content = export.xlsx_bytes("Permohonan", ["A", "B", "C", "D", "E"], rows, None)
    sheet = load_workbook(io.BytesIO(content))["Permohonan"]
    assert sheet.freeze_panes == "A2"
    values = [cell.value for cell in sheet[2]]
    assert values == ["=1+2", "badchar", datetime(2026, 11, 20, 8, 5), datetime(2026, 12, 4), None]
    assert [cell.data_type for cell in sheet[2][:4]] == ["s", "s", "d", "d"]
    assert sheet.max_row == 2
