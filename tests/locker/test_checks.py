"""Intake checks on real generated images and PDFs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from app.locker.checks import Inspection, inspect_file, sniff_mime
from app.locker.image_checks import laplacian_variance
from app.locker.pdf_checks import has_javascript, mentions_javascript
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.reasons import Reason, Verdict
from tests.support import files as samples

ANY = DocumentRequirement("ktp")
POLICY = LockerPolicy()
LIMIT = 100 * 1024 * 1024


def inspect(
    tmp_path: Path, data: bytes, requirement: DocumentRequirement = ANY, **policy: Any
) -> Inspection:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    return inspect_file(path, requirement, LockerPolicy(**policy), size_limit=LIMIT)


def test_sharp_640x480_photo_passes_with_a_thumbnail(tmp_path: Path) -> None:
    result = inspect(tmp_path, samples.sharp_jpeg())
    assert result.verdict.reason is None and result.verdict.accepted
    assert result.mime_type == "image/jpeg" and result.pages == 1
    assert result.metrics["width"] == 640 and result.metrics["height"] == 480
    assert result.metrics["sharpness"] > POLICY.min_sharpness * 10
    assert result.thumbnail is not None
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 320 and thumb.size == (320, 240)


def test_large_sharp_photo_and_png_pass(tmp_path: Path) -> None:
    big = inspect(tmp_path, samples.sharp_jpeg(4000, 3000))
    assert big.verdict.accepted and big.metrics["width"] == 4000
    png = inspect(tmp_path, samples.sharp_png())
    assert png.verdict.accepted and png.mime_type == "image/png"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (samples.blurred_jpeg(4.0), Reason.BLURRED),
        (samples.blurred_jpeg(2.5), Reason.BLURRED),
        (samples.tiny_jpeg(), Reason.TOO_SMALL),
        (samples.dark_jpeg(), Reason.TOO_DARK),
        (samples.washed_out_jpeg(), Reason.TOO_BRIGHT),
    ],
    ids=["blur-4", "blur-2.5", "tiny", "dark", "washed-out"],
)
def test_bad_photos_are_refused_with_their_reason(
    tmp_path: Path, data: bytes, reason: Reason
) -> None:
    result = inspect(tmp_path, data)
    assert result.verdict.reason == reason
    assert result.thumbnail is None and result.pages is None


def test_a_clean_white_scan_is_not_washed_out(tmp_path: Path) -> None:
    page = Image.new("L", (1240, 1754), 250)
    pixels = np.asarray(page).copy()
    pixels[200:1500:40, 100:1100] = 10  # lines of text on white paper
    pixels[201:1500:40, 100:1100] = 10
    data = samples.encode(Image.fromarray(pixels).convert("RGB"))
    result = inspect(tmp_path, data)
    assert result.metrics["brightness"] > POLICY.max_brightness
    assert result.verdict.accepted


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("page", ["scan", "sparse-scan", "photo-in-daylight"])
def test_a_bright_low_contrast_white_page_with_dark_print_is_accepted(
    tmp_path: Path, page: str, fmt: str
) -> None:
    """High brightness and low contrast, as a washed-out photo has, but the print is dark."""
    image = {
        "scan": samples.clean_scan,
        "sparse-scan": lambda: samples.clean_scan(lines=2),
        "photo-in-daylight": samples.bright_photo,
    }[page]()
    result = inspect(tmp_path, samples.encode(image, fmt))
    assert result.metrics["brightness"] > POLICY.max_brightness
    assert result.metrics["contrast"] < 25.0  # the spread the old rule asked for
    assert result.metrics["ink"] >= POLICY.min_ink_share
    assert result.verdict == Verdict()
    assert result.thumbnail is not None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
@pytest.mark.parametrize("glare", [0.6, 0.8])
def test_a_blown_out_photo_is_still_too_bright(tmp_path: Path, glare: float, fmt: str) -> None:
    """The same page photographed with flash glare: the print itself turned pale grey."""
    result = inspect(
        tmp_path, samples.encode(samples.blown_out(samples.bright_photo(), glare), fmt)
    )
    assert result.metrics["ink"] == 0.0
    assert result.verdict.reason is Reason.TOO_BRIGHT
    assert result.thumbnail is None


def test_thresholds_come_from_the_policy(tmp_path: Path) -> None:
    assert (
        inspect(tmp_path, samples.sharp_jpeg(), min_short_side=600).verdict.reason
        == Reason.TOO_SMALL
    )
    assert (
        inspect(tmp_path, samples.sharp_jpeg(), min_sharpness=1e9).verdict.reason == Reason.BLURRED
    )
    assert inspect(tmp_path, samples.tiny_jpeg(), min_short_side=200).verdict.accepted


def test_transparent_png_is_judged_on_white(tmp_path: Path) -> None:
    image = samples.document_photo().convert("RGBA")
    alpha = Image.new("L", image.size, 0)
    alpha.paste(255, (0, 0, 640, 240))  # bottom half fully transparent
    image.putalpha(alpha)
    result = inspect(tmp_path, samples.encode(image, "PNG"))
    assert result.verdict.reason != Reason.TOO_DARK
    assert result.metrics["brightness"] > 187


def test_decompression_bombs_are_refused(tmp_path: Path) -> None:
    # Past Pillow's own ceiling (it raises before decoding anything)...
    assert inspect(tmp_path, samples.png_bomb()).verdict.reason == Reason.TOO_MANY_PIXELS
    # ...in Pillow's warning band (turned into an error here, as filterwarnings=error does)...
    bomb = inspect(tmp_path, samples.png_bomb(10_000, 10_000))
    assert bomb.verdict.reason == Reason.TOO_MANY_PIXELS
    # ...and below it, by our own pixel limit, before decoding.
    result = inspect(tmp_path, samples.png_bomb(7_070, 7_070))
    assert result.verdict == Verdict(
        Reason.TOO_MANY_PIXELS, {"width": 7070, "height": 7070, "limit_pixels": 24_000_000}
    )
    assert POLICY.max_image_pixels == 24_000_000
    assert result.thumbnail is None


def test_a_colour_png_past_the_decode_budget_is_refused_with_its_own_limit(
    tmp_path: Path,
) -> None:
    """Under the pixel cap, but a colour PNG is decoded whole at 4 bytes a pixel: 20 MP would
    take 80 MB. The resident is told the megapixels this kind of image may have (16.8)."""
    result = inspect(tmp_path, samples.png_bomb(5_000, 4_000, colour=True))
    assert result.verdict == Verdict(
        Reason.TOO_MANY_PIXELS,
        {
            "width": 5000,
            "height": 4000,
            "decode_bytes": 80_000_000,
            "limit_pixels": 16_777_216,
        },
    )
    assert result.verdict.message("id") == (
        "Gambar terlalu besar ukurannya (lebih dari 16.8 megapiksel). "
        "Mohon kirim foto biasa dari kamera HP."
    )


def test_a_progressive_jpeg_counts_its_coefficients(tmp_path: Path) -> None:
    """libjpeg keeps every coefficient of a progressive JPEG: 6 bytes a pixel at 4:4:4. The same
    picture as a baseline JPEG decodes at 1/2 scale and passes."""
    picture = samples.document_photo(1000, 750).resize((5000, 3750))
    baseline = inspect(tmp_path, samples.encode(picture, subsampling=0))
    assert baseline.verdict == Verdict()
    progressive = inspect(tmp_path, samples.encode(picture, subsampling=0, progressive=True))
    assert progressive.verdict.reason == Reason.TOO_MANY_PIXELS
    # 625×469 blocks of 64 coefficients × 2 bytes × 3 components, plus the 2500×1875 picture.
    assert progressive.verdict.detail["decode_bytes"] == 625 * 469 * 128 * 3 + 2500 * 1875 * 4


def test_type_comes_from_magic_bytes_not_the_name(tmp_path: Path) -> None:
    # PNG bytes the sender called a PDF: sniffed as PNG, and refused where only PDFs go.
    pdf_only = DocumentRequirement("surat", kinds=("pdf",))
    result = inspect(tmp_path, samples.sharp_png(), pdf_only)
    assert result.verdict.reason == Reason.WRONG_TYPE and result.mime_type == "image/png"
    assert result.verdict.message() == "Jenis file tidak sesuai. Mohon kirim file PDF."
    photo_only = DocumentRequirement("pasfoto", kinds=("image",))
    assert inspect(tmp_path, samples.pdf(), photo_only).verdict.reason == Reason.WRONG_TYPE


@pytest.mark.parametrize(
    "data",
    [b"", b"hello, just text\n" * 100, b"GIF89a" + b"\x00" * 100, b"PK\x03\x04" + b"\x00" * 100],
    ids=["empty", "text", "gif", "zip"],
)
def test_unsupported_content_is_the_wrong_type(tmp_path: Path, data: bytes) -> None:
    assert inspect(tmp_path, data).verdict.reason == Reason.WRONG_TYPE


def test_damaged_files(tmp_path: Path) -> None:
    jpeg = samples.sharp_jpeg()
    truncated = inspect(tmp_path, jpeg[: len(jpeg) // 3])
    assert truncated.verdict.reason == Reason.UNREADABLE
    broken_pdf = b"%PDF-1.7\n" + b"garbage " * 200
    assert inspect(tmp_path, broken_pdf).verdict.reason == Reason.PDF_UNREADABLE


def test_oversized_files_are_refused_before_anything_else(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(samples.sharp_jpeg())
    result = inspect_file(path, ANY, POLICY, size_limit=1000)
    assert result.verdict.reason == Reason.TOO_LARGE
    assert result.verdict.detail == {"limit": 1000, "size": path.stat().st_size}


def test_valid_pdfs_pass(tmp_path: Path) -> None:
    plain = inspect(tmp_path, samples.pdf(3))
    assert plain.verdict.accepted and plain.pages == 3 and plain.mime_type == "application/pdf"
    assert plain.thumbnail is None  # nothing to show on a blank page
    scanned = inspect(tmp_path, samples.pdf(image=True))
    assert scanned.verdict.accepted and scanned.thumbnail is not None
    with Image.open(io.BytesIO(scanned.thumbnail)) as thumb:
        assert max(thumb.size) <= 320


@pytest.mark.parametrize(
    "data",
    [
        samples.pdf(javascript="app.alert('hai');"),
        samples.pdf(open_action_js=True),
        samples.pdf(link_js=True),
    ],
    ids=["names-tree", "open-action", "link-annotation"],
)
def test_pdfs_with_javascript_are_refused(tmp_path: Path, data: bytes) -> None:
    result = inspect(tmp_path, data)
    assert result.verdict.reason == Reason.PDF_JAVASCRIPT
    # The structural walk finds each of them on its own, without the raw scan.
    assert has_javascript(PdfReader(io.BytesIO(data)))


def test_raw_scan_finds_the_name_across_block_boundaries() -> None:
    block = 1024 * 1024
    for offset in (0, block - 5, block - 11, block, 3 * block + 7):
        data = bytearray(b"\x00" * (4 * block))
        data[offset : offset + 11] = b"/JavaScript"
        assert mentions_javascript(io.BytesIO(bytes(data))), offset
    assert not mentions_javascript(io.BytesIO(b"/JavaScrip" + b"\x00" * block + b"t"))


def test_encrypted_pdfs(tmp_path: Path) -> None:
    locked = inspect(tmp_path, samples.pdf(user_password="rahasia"))
    assert locked.verdict.reason == Reason.PDF_ENCRYPTED
    assert locked.verdict.message("en") == (
        "The PDF is password-protected. Please send it without a password."
    )
    owner_only = samples.pdf(owner_password="pemilik")
    assert inspect(tmp_path, owner_only).verdict.accepted
    strict = inspect(tmp_path, owner_only, allow_owner_password_pdf=False)
    assert strict.verdict.reason == Reason.PDF_ENCRYPTED


def test_too_many_pages(tmp_path: Path) -> None:
    result = inspect(tmp_path, samples.pdf(51))
    assert result.verdict.reason == Reason.PDF_TOO_MANY_PAGES
    assert result.verdict.detail == {"pages": 51, "max_pages": 50}
    assert "maks. 50" in (result.verdict.message() or "")
    assert inspect(tmp_path, samples.pdf(50)).verdict.accepted


def test_sniff_and_laplacian_helpers(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(samples.pdf())
    assert sniff_mime(path) == "application/pdf"
    flat = np.full((50, 50), 128, dtype=np.float32)
    assert laplacian_variance(flat) == 0.0
    assert laplacian_variance(np.zeros((2, 2), dtype=np.float32)) == 0.0
    checker = (np.indices((50, 50)).sum(axis=0) % 2 * 255).astype(np.float32)
    assert laplacian_variance(checker) > 100_000


@pytest.mark.parametrize("place", ["page-open", "form-field", "outline", "next-chain"])
def test_scripts_hidden_deeper_are_found_by_the_walk(tmp_path: Path, place: str) -> None:
    data = samples.pdf_with_script_in(place)
    assert has_javascript(PdfReader(io.BytesIO(data)))
    assert inspect(tmp_path, data).verdict.reason == Reason.PDF_JAVASCRIPT


def test_a_bare_js_key_is_enough_without_the_javascript_name(tmp_path: Path) -> None:
    data = samples.pdf_with_script_in("js-key-hex")
    assert b"/JavaScript" not in data
    assert not mentions_javascript(io.BytesIO(data))
    assert inspect(tmp_path, data).verdict.reason == Reason.PDF_JAVASCRIPT


def test_an_unreferenced_script_object_is_caught_by_the_raw_scan(tmp_path: Path) -> None:
    data = samples.pdf_with_script_in("orphan-object")
    assert not has_javascript(PdfReader(io.BytesIO(data)))
    assert inspect(tmp_path, data).verdict.reason == Reason.PDF_JAVASCRIPT
