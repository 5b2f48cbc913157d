"""Uploaded files: the locker's intake checks on a browser upload, and the per-requirement rules."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from starlette.datastructures import FormData

from app.counter.forms import FieldError, build_form, check_answers
from app.counter.uploads import MAX_TOTAL_BYTES, TOTAL, check_files, files_of, refusal
from app.flows.catalog import Catalog, shipped_catalog
from app.intake.service import requirement_for
from app.locker.file_backend import FileBackend
from app.locker.models import DocumentStatus
from app.locker.policy import DocumentRequirement, MiB
from app.locker.reasons import Reason, Verdict
from app.locker.store import BlobStore
from app.locker.upload import UPLOAD_MAX_BYTES, UploadedFile, check_upload, store_upload
from tests.support.counter import blank_jpeg, photo, text_as_pdf, uploaded
from tests.support.factories import add_resident
from tests.support.files import pdf, sharp_png

TODAY = date(2026, 11, 20)
KK = DocumentRequirement(key="kk", kinds=("image", "pdf"))
PHOTO_ONLY = DocumentRequirement(key="ktp_rusak", kinds=("image",), kind="ktp")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return shipped_catalog()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """Rolled back after the test; `expire_on_commit=False` as the app's sessions are (the
    locker commits its short writes itself)."""
    async with engine.connect() as conn:
        await conn.begin()
        made = AsyncSession(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield made
        finally:
            await made.close()
            await conn.rollback()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[BlobStore]:
    made = BlobStore(FileBackend(tmp_path / "locker"))
    yield made
    await made.aclose()


async def test_a_sharp_photo_a_png_and_a_real_pdf_pass() -> None:
    for content, name, mime in (
        (photo(), "kk.jpg", "image/jpeg"),
        (sharp_png(), "kk.png", "image/png"),
        (pdf(), "kk.pdf", "application/pdf"),
    ):
        assert await verdict_of(uploaded(content, name, mime), KK) == Verdict(), name


async def verdict_of(upload: UploadedFile, requirement: DocumentRequirement) -> Verdict:
    checked = await check_upload(upload, requirement)
    await checked.discard()
    return checked.verdict


async def test_a_blank_photo_is_refused_as_blurred() -> None:
    verdict = await verdict_of(uploaded(blank_jpeg(), "kk.jpg", "image/jpeg"), KK)
    assert verdict.reason is Reason.BLURRED


async def test_a_text_file_renamed_pdf_is_the_wrong_type() -> None:
    verdict = await verdict_of(uploaded(text_as_pdf(), "kk.pdf", "application/pdf"), KK)
    assert verdict == Verdict(
        Reason.WRONG_TYPE, {"sniffed": None, "accepted_kinds": ["image", "pdf"]}
    )


async def test_a_pdf_where_only_photos_are_accepted_is_the_wrong_type() -> None:
    verdict = await verdict_of(uploaded(pdf(), "ktp.pdf", "application/pdf"), PHOTO_ONLY)
    assert verdict.reason is Reason.WRONG_TYPE


async def test_a_file_over_ten_megabytes_is_too_large() -> None:
    assert 10 * MiB == UPLOAD_MAX_BYTES
    content = photo() + b"\0" * (10 * MiB)
    verdict = await verdict_of(uploaded(content, "kk.jpg", "image/jpeg"), KK)
    assert verdict == Verdict(Reason.TOO_LARGE, {"limit": 10 * MiB, "size": len(content)})


async def test_an_upload_is_kept_as_the_resident_s_document(
    session: AsyncSession, store: BlobStore
) -> None:
    resident = await add_resident(session, "6281234567890", "Siti Aminah")
    content = photo()
    checked = await check_upload(uploaded(content, "kk.jpg", "image/jpeg"), KK)
    document = await store_upload(session, store, checked, resident_id=resident.id, requirement=KK)
    assert document.status == DocumentStatus.ACCEPTED
    assert (document.resident_id, document.requirement, document.kind) == (resident.id, "kk", "kk")
    assert (document.sha256, document.size) == (hashlib.sha256(content).hexdigest(), len(content))
    assert (document.mime_type, document.declared_mime, document.pages) == (
        "image/jpeg",
        "image/jpeg",
        1,
    )
    assert document.media_id is not None and document.media_id.startswith("upload:")
    assert document.thumbnail_sha256 is not None
    assert await store.read_bytes(hashlib.sha256(content).hexdigest()) == content
    again = await store_upload(
        session,
        store,
        await check_upload(uploaded(content, "kk.jpg", "image/jpeg"), KK),
        resident_id=resident.id,
        requirement=KK,
    )
    assert again.id != document.id and again.sha256 == document.sha256


async def test_a_refused_upload_is_recorded_without_its_file(
    session: AsyncSession, store: BlobStore
) -> None:
    resident = await add_resident(session, "6281234567890", "Siti Aminah")
    document = await store_upload(
        session,
        store,
        await check_upload(uploaded(blank_jpeg(), "kk.jpg", "image/jpeg"), KK),
        resident_id=resident.id,
        requirement=KK,
    )
    assert (document.status, document.reason) == (DocumentStatus.REJECTED, "blurred")
    assert not await store.exists(hashlib.sha256(blank_jpeg()).hexdigest())


async def test_counts_and_checks_are_per_requirement(catalog: Catalog) -> None:
    service = catalog.services["akta_kelahiran"]
    form = build_form(service, None)
    answers = {"ada_surat_lahir": "ya", "nikah_tercatat": "ya"}
    applicable = check_answers(form, answers, today=TODAY)
    posted = FormData(
        [
            ("field_ada_surat_lahir", "ya"),
            ("doc_surat_lahir", uploaded(photo(1), "a.jpg", "image/jpeg")),
            ("doc_sptjm_kelahiran", uploaded(photo(2), "b.jpg", "image/jpeg")),
            *[("doc_buku_nikah", uploaded(photo(s), f"{s}.jpg", "image/jpeg")) for s in range(5)],
            ("doc_kk", uploaded(blank_jpeg(), "kk.jpg", "image/jpeg")),
            ("doc_ktp_orang_tua", uploaded(b"", "", "application/octet-stream")),
        ]
    )
    files = files_of(posted, form.documents)
    assert sorted(files) == ["buku_nikah", "kk", "sptjm_kelahiran", "surat_lahir"]
    checks = await check_files(catalog, service.code, form.documents, applicable.documents, files)
    await checks.discard()
    assert checks.errors == {
        "doc_sptjm_kelahiran": FieldError("doc_not_needed"),
        "doc_buku_nikah": FieldError("doc_too_many", {"max": 4}),
        "doc_kk": FieldError("doc_blurred", {"kinds": "image_pdf"}),
        "doc_ktp_orang_tua": FieldError("doc_missing", {"min": 1}),
    }


async def test_too_much_at_once_is_one_error_for_the_whole_upload(catalog: Catalog) -> None:
    service = catalog.services["ktp"]
    form = build_form(service, "perubahan")
    half = MAX_TOTAL_BYTES // 2 + 1
    files = {
        "kk": [uploaded(b"\0" * half, "kk.jpg", "image/jpeg")],
        "bukti_perubahan": [uploaded(b"\0" * half, "b.pdf", "application/pdf")],
    }
    checks = await check_files(catalog, service.code, form.documents, service.documents, files)
    assert checks.errors == {TOTAL: FieldError("total_size", {"limit": "40 MB"})}


def test_requirements_are_the_locker_s_view_of_the_catalog(catalog: Catalog) -> None:
    assert requirement_for(catalog, "ktp", "ktp_rusak") == PHOTO_ONLY


# The operator's sentence for every reason the locker can give, exactly as the form shows it.
COUNTER_TEXTS = {
    Reason.WRONG_TYPE: "Jenis file tidak sesuai. Yang diterima: foto (JPG atau PNG) atau PDF.",
    Reason.TOO_LARGE: "File terlalu besar (paling besar 10 MB).",
    Reason.TOO_MANY_PIXELS: "Gambar terlalu besar ukurannya (paling besar 24 megapiksel). "
    "Foto ulang dengan kamera biasa, atau perkecil gambarnya.",
    Reason.UNREADABLE: "Foto tidak dapat dibuka. Foto ulang dokumennya.",
    Reason.TOO_SMALL: "Foto terlalu kecil. Foto lebih dekat sehingga dokumen memenuhi gambar.",
    Reason.BLURRED: "Foto buram. Foto ulang di tempat terang dengan seluruh dokumen terlihat.",
    Reason.TOO_DARK: "Foto terlalu gelap. Foto ulang di tempat yang lebih terang.",
    Reason.TOO_BRIGHT: "Foto terlalu terang (silau). Foto ulang tanpa lampu kilat atau pantulan.",
    Reason.PDF_ENCRYPTED: "PDF dikunci kata sandi. Gunakan PDF tanpa kata sandi.",
    Reason.PDF_UNREADABLE: "PDF tidak dapat dibuka. Pindai ulang, atau unggah fotonya.",
    Reason.PDF_TOO_MANY_PAGES: "PDF terlalu banyak halaman (paling banyak 50).",
    Reason.PDF_JAVASCRIPT: "PDF berisi skrip dan tidak dapat diterima. "
    "Unggah PDF biasa atau fotonya.",
    Reason.UNAVAILABLE: "File gagal disimpan. Coba kirim lagi.",
}


@pytest.mark.parametrize("reason", list(Reason), ids=[reason.value for reason in Reason])
def test_every_refusal_reason_has_its_own_counter_text(reason: Reason) -> None:
    from app.dashboard.counter_routes import error_text
    from app.dashboard.texts import MESSAGES

    detail = {"limit": 10 * MiB, "max_pages": 50, "limit_pixels": 24_000_000}
    error = refusal(reason, detail, "image_pdf")
    assert f"counter_err_{error.code}" in MESSAGES
    assert error_text(error, "id") == COUNTER_TEXTS[reason]
    assert "{" not in error_text(error, "en")


async def test_a_file_is_checked_once_and_its_copy_is_stored(
    session: AsyncSession, store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The counter used to check a file, then check it again while storing it."""
    import tempfile

    from app.locker import checks

    inspected: list[Path] = []
    real = checks.inspect_file

    def counting(path: Path, *args: object, **kwargs: Any) -> checks.Inspection:
        inspected.append(path)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "inspect_file", counting)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "spool"))
    (tmp_path / "spool").mkdir()
    resident = await add_resident(session, "6281234567890", "Siti Aminah")
    checked = await check_upload(uploaded(photo(), "kk.jpg", "image/jpeg"), KK)
    assert len(inspected) == 1 and inspected[0].exists()
    document = await store_upload(session, store, checked, resident_id=resident.id, requirement=KK)
    assert document.status == DocumentStatus.ACCEPTED
    assert len(inspected) == 1
    assert list((tmp_path / "spool").iterdir()) == []  # the spooled copy went with the ingest
    refused = await check_upload(uploaded(blank_jpeg(), "kk.jpg", "image/jpeg"), KK)
    await refused.discard()
    assert list((tmp_path / "spool").iterdir()) == []
