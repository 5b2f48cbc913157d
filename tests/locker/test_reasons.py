from __future__ import annotations

import pytest

from app.locker.reasons import Reason, Verdict, human_size, message

CODES = {
    "wrong_type",
    "too_large",
    "too_many_pixels",
    "unreadable",
    "too_small",
    "blurred",
    "too_dark",
    "too_bright",
    "pdf_encrypted",
    "pdf_unreadable",
    "pdf_too_many_pages",
    "pdf_javascript",
    "unavailable",
}


def test_reason_codes_are_the_contract() -> None:
    assert {str(reason) for reason in Reason} == CODES


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_short_indonesian_and_english(reason: Reason) -> None:
    detail = {"limit": 5 * 1024 * 1024, "max_pages": 50, "limit_pixels": 24_000_000}
    indonesian = message(reason, "id", **detail)
    english = message(reason, "en", **detail)
    assert indonesian != english
    for text in (indonesian, english):
        assert text.endswith(".") and len(text) <= 160 and "{" not in text


def test_messages_fill_in_the_details() -> None:
    assert message(Reason.TOO_LARGE, limit=5 * 1024 * 1024) == (
        "Ukuran file terlalu besar (maks. 5 MB). Mohon kirim file yang lebih kecil."
    )
    assert message(Reason.WRONG_TYPE, "en", accepted_kinds=["image"]) == (
        "Wrong file type. Please send a photo (JPG or PNG)."
    )
    assert message(Reason.WRONG_TYPE, accepted_kinds=["pdf", "image"]) == (
        "Jenis file tidak sesuai. Mohon kirim foto (JPG atau PNG) atau file PDF."
    )
    assert message(Reason.BLURRED).startswith("Foto kurang jelas (buram).")
    assert message(Reason.TOO_MANY_PIXELS, "en", limit_pixels=16_777_216) == (
        "The image has too many pixels (more than 16.8 megapixels). "
        "Please send a normal photo from a phone camera."
    )


def test_verdict() -> None:
    assert Verdict().accepted and Verdict().message() is None
    refused = Verdict(Reason.PDF_TOO_MANY_PAGES, {"max_pages": 20})
    assert not refused.accepted
    assert refused.message("en") == (
        "The PDF has too many pages (max. 20). Please send only the pages needed."
    )


@pytest.mark.parametrize(
    ("size", "text"), [(100 * 1024 * 1024, "100 MB"), (500 * 1024, "500 KB"), (10, "1 KB")]
)
def test_human_size(size: int, text: str) -> None:
    assert human_size(size) == text
