"""The verification QR code, drawn into the PDF as vector squares (no image, no font subset).

The code goes in the bottom-right corner of the first page with the address printed beside it,
and the address is also a link annotation, so a reader on a computer can click it. Drawn before
signing: the signature then covers the stamp.
"""

from __future__ import annotations

import io

import segno
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

MODULE_PT = 2.0  # one QR module, in points: a version-3 code is about 2.6 cm wide
MARGIN_PT = 24.0


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code's modules for `url`, row by row from the top (True: dark)."""
    code = segno.make_qr(url, error="m")
    return [[bool(cell) for cell in row] for row in code.matrix]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def qr_operators(url: str, x: float, y: float) -> bytes:
    """PDF content drawing the code with its lower-left corner at (x, y), and the address."""
    matrix = qr_matrix(url)
    size = len(matrix)
    parts = [
        "q",
        "1 1 1 rg",
        f"{x - 4:.2f} {y - 4:.2f} {size * MODULE_PT + 8:.2f} {size * MODULE_PT + 8:.2f} re f",
        "0 0 0 rg",
    ]
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                left = x + column * MODULE_PT
                bottom = y + (size - 1 - row) * MODULE_PT
                parts.append(f"{left:.2f} {bottom:.2f} {MODULE_PT:.2f} {MODULE_PT:.2f} re")
    parts.append("f")
    parts.append(f"BT /LoketQR 7 Tf {x:.2f} {y - 12:.2f} Td ({_escape(url)}) Tj ET")
    parts.append("Q")
    return "\n".join(parts).encode("latin-1", "replace")


def stamp_qr(pdf: bytes, url: str) -> bytes:
    """`pdf` with the QR code for `url` on its first page (bottom right) and a link to it."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    page = writer.pages[0]
    box = page.mediabox
    side = len(qr_matrix(url)) * MODULE_PT
    x = float(box.right) - MARGIN_PT - side
    y = float(box.bottom) + MARGIN_PT + 12
    stream = DecodedStreamObject()
    stream.set_data(qr_operators(url, x, y))
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    overlay = PdfWriter()
    sheet = overlay.add_blank_page(float(box.width), float(box.height))
    sheet[NameObject("/Contents")] = overlay._add_object(stream)
    sheet[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/LoketQR"): font})}
    )
    page.merge_page(sheet)
    writer.add_annotation(0, Link(rect=(x, y, x + side, y + side), url=url))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
