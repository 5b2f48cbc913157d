"""Writing an export: the header and cells in the operator's language, then CSV or XLSX.

CSV is UTF-8 with a byte-order mark (Excel otherwise reads it as ANSI), written in chunks, and
neutralized against formula injection: a text cell a spreadsheet would take for a formula gets
a leading apostrophe. XLSX uses openpyxl's write-only mode, with text cells typed as text (never
formulas) and times as real dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

# openpyxl ships no type hints and the project has no stub package for it (types-openpyxl).
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from app.dashboard.export_rows import ExportRow
from app.dashboard.i18n import translate
from app.dashboard.presenter import Presenter

Cell = str | date | datetime | None

BOM = "\ufeff"
# What Excel, LibreOffice and Google Sheets may evaluate at the start of a cell (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 500
CSV_TIME = "%Y-%m-%d %H:%M"
XLSX_TIME = "yyyy-mm-dd hh:mm"
XLSX_DATE = "yyyy-mm-dd"
COLUMN_WIDTHS = (18, 16, 16, 16, 12, 12, 17, 12, 17, 10, 20, 24, 20, 16, 19)
HEADER_KEYS = (
    "export_col_ticket",
    "export_col_service",
    "export_col_variant",
    "export_col_status",
    "export_col_office",
    "export_col_channel",
    "export_col_submitted_at",
    "export_col_due_date",
    "export_col_completed_at",
    "export_col_on_time",
    "export_col_trips",
    "export_col_name",
    "export_col_profile",
    "export_col_phone",
    "export_col_nik",
)


def header(lang: str) -> list[str]:
    """The column titles in the operator's language."""
    return [translate(key, lang) for key in HEADER_KEYS]


def cells(row: ExportRow, p: Presenter) -> list[Cell]:
    """One row's cells in column order, in words (the pages' presenter); times stay times, so a
    spreadsheet can sort and count them."""
    on_time = ""
    if row.on_time is not None:
        on_time = p.t("export_yes" if row.on_time else "export_no")
    trips = p.t(f"fig_col_trips_{row.trips}") if row.trips is not None else ""
    return [
        row.ticket,
        p.service(row.service),
        p.variant(row.service, row.variant),
        p.status(row.status),
        row.office or "",
        p.channel(row.channel),
        row.submitted_at,
        row.due_date,
        row.completed_at,
        on_time,
        trips,
        row.name,
        row.profile_name,
        row.wa_id or "",
        row.nik,
    ]


def neutralized(text: str) -> str:
    """`=cmd|' /C calc'!A0` → `'=cmd|' /C calc'!A0`: shown as text, never run."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_TIME)
    if isinstance(value, date):
        return value.isoformat()
    return neutralized(value)


def csv_chunks(
    titles: Sequence[str], rows: Iterable[Sequence[Cell]], note: str | None
) -> Iterator[bytes]:
    """The CSV file in pieces: BOM and header, rows in chunks, then the note (if cut) alone."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralized(title) for title in titles])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_text(value) for value in row])
        if count % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    if note is not None:
        writer.writerow([neutralized(note)])
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet: Any, value: Cell) -> Any:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_TIME
        return cell
    if isinstance(value, date):
        # A date is stored as midnight of that day; the format shows the date alone.
        cell = WriteOnlyCell(sheet, datetime(value.year, value.month, value.day))
        cell.number_format = XLSX_DATE
        return cell
    return value


def xlsx_bytes(
    sheet_title: str, titles: Sequence[str], rows: Iterable[Sequence[Cell]], note: str | None
) -> bytes:
    """The workbook: one sheet, a frozen header row, then the rows and the note (if cut)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    for index, width in enumerate(COLUMN_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, title) for title in titles])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    if note is not None:
        sheet.append([_xlsx_cell(sheet, note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
