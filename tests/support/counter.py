"""Files and answers for the counter tests: real photos, a blank one, text posing as a PDF."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from starlette.datastructures import Headers, UploadFile

from tests.support.files import document_photo, encode

NIK = "3201014508900003"  # a woman born 05-08-1990 (day 45 = 5 + 40)
KK = "3201012208150007"
WA_ID = "6289900000111"
PHONE_TYPED = "0899-0000-0111"


def photo(seed: int = 7) -> bytes:
    """A sharp 640×480 JPEG of a card-like paper: passes every intake check."""
    return encode(document_photo(seed=seed))


def blank_jpeg() -> bytes:
    """A 640×480 JPEG of one flat colour: no detail at all, so it reads as blurred."""
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 180, 150)).save(out, "JPEG", quality=90)
    return out.getvalue()


def text_as_pdf() -> bytes:
    """The bytes of a text file someone renamed to `.pdf`."""
    return b"Surat pengantar RT 01/RW 02\nBukan PDF, hanya teks biasa.\n"


def uploaded(content: bytes, filename: str, content_type: str) -> UploadFile:
    """A file as Starlette's form parser hands it over."""
    headers = Headers({"content-type": content_type})
    return UploadFile(io.BytesIO(content), size=len(content), filename=filename, headers=headers)


def ktp_baru_answers(**changes: str) -> dict[str, str]:
    """A complete, valid KTP-el "baru" form for Siti Aminah, by field key."""
    answers = {
        "nik": "3201 0145 0890 0003",
        "nama": "Siti  Aminah",
        "tanggal_lahir": "05-08-1990",
        "jenis_kelamin": "perempuan",
        "no_kk": KK,
        "status_kawin": "belum_kawin",
        "alamat": "Jl. Melati 3 RT 01/RW 02, Sukamaju",
    }
    return answers | changes


def as_form(answers: dict[str, str], **extra: Any) -> dict[str, Any]:
    """Answers by field key as the form's input names."""
    return {f"field_{key}": value for key, value in answers.items()} | extra


STORED_KTP_BARU = {
    "nik": NIK,
    "nama": "Siti Aminah",
    "tanggal_lahir": "1990-08-05",
    "jenis_kelamin": "perempuan",
    "no_kk": KK,
    "status_kawin": "belum_kawin",
    "alamat": "Jl. Melati 3 RT 01/RW 02, Sukamaju",
}
