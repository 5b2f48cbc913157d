"""Why a document was refused: a stable reason code and a short sentence for the resident.

The codes are part of the locker's contract (the conversation engine turns them into its own
messages); the sentences here serve the dashboard and any caller without its own wording. They
follow bahasa-style.md: say what is wrong and how to fix it, never blame.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Reason(enum.StrEnum):
    WRONG_TYPE = "wrong_type"
    TOO_LARGE = "too_large"  # bytes
    TOO_MANY_PIXELS = "too_many_pixels"  # an image past the decoding budget, whatever its bytes
    UNREADABLE = "unreadable"
    TOO_SMALL = "too_small"
    BLURRED = "blurred"
    TOO_DARK = "too_dark"
    TOO_BRIGHT = "too_bright"
    PDF_ENCRYPTED = "pdf_encrypted"
    PDF_UNREADABLE = "pdf_unreadable"
    PDF_TOO_MANY_PAGES = "pdf_too_many_pages"
    PDF_JAVASCRIPT = "pdf_javascript"
    UNAVAILABLE = "unavailable"


_MESSAGES: dict[Reason, tuple[str, str]] = {
    Reason.WRONG_TYPE: (
        "Jenis file tidak sesuai. Mohon kirim {accepted_id}.",
        "Wrong file type. Please send {accepted_en}.",
    ),
    Reason.TOO_LARGE: (
        "Ukuran file terlalu besar (maks. {limit}). Mohon kirim file yang lebih kecil.",
        "The file is too large (max. {limit}). Please send a smaller file.",
    ),
    Reason.TOO_MANY_PIXELS: (
        "Gambar terlalu besar ukurannya (lebih dari {megapixels} megapiksel). "
        "Mohon kirim foto biasa dari kamera HP.",
        "The image has too many pixels (more than {megapixels} megapixels). "
        "Please send a normal photo from a phone camera.",
    ),
    Reason.UNREADABLE: (
        "Foto tidak dapat dibuka. Mohon foto ulang, lalu kirim lagi.",
        "The photo cannot be opened. Please take it again and resend it.",
    ),
    Reason.TOO_SMALL: (
        "Foto terlalu kecil. Mohon foto lebih dekat sehingga dokumen memenuhi layar.",
        "The photo is too small. Please take it closer so the document fills the screen.",
    ),
    Reason.BLURRED: (
        "Foto kurang jelas (buram). Mohon foto ulang di tempat terang, seluruh dokumen "
        "terlihat, lalu kirim lagi.",
        "The photo is blurred. Please take it again in good light with the whole document "
        "visible, then resend it.",
    ),
    Reason.TOO_DARK: (
        "Foto terlalu gelap. Mohon foto ulang di tempat yang lebih terang.",
        "The photo is too dark. Please take it again somewhere brighter.",
    ),
    Reason.TOO_BRIGHT: (
        "Foto terlalu terang (silau). Mohon foto ulang tanpa lampu kilat atau pantulan cahaya.",
        "The photo is too bright. Please take it again without flash or glare.",
    ),
    Reason.PDF_ENCRYPTED: (
        "PDF dikunci dengan kata sandi. Mohon kirim PDF tanpa kata sandi.",
        "The PDF is password-protected. Please send it without a password.",
    ),
    Reason.PDF_UNREADABLE: (
        "PDF tidak dapat dibuka. Mohon kirim ulang, atau kirim fotonya.",
        "The PDF cannot be opened. Please resend it, or send a photo instead.",
    ),
    Reason.PDF_TOO_MANY_PAGES: (
        "PDF terlalu banyak halaman (maks. {max_pages}). Mohon kirim halaman yang diperlukan saja.",
        "The PDF has too many pages (max. {max_pages}). Please send only the pages needed.",
    ),
    Reason.PDF_JAVASCRIPT: (
        "PDF ini berisi skrip sehingga tidak dapat kami terima. "
        "Mohon kirim PDF biasa atau fotonya.",
        "This PDF contains scripts, so we cannot accept it. Please send a plain PDF or a photo.",
    ),
    Reason.UNAVAILABLE: (
        "File tidak berhasil kami terima. Mohon kirim ulang.",
        "We could not receive the file. Please send it again.",
    ),
}

_ACCEPTED = {
    ("image",): ("foto (JPG atau PNG)", "a photo (JPG or PNG)"),
    ("pdf",): ("file PDF", "a PDF file"),
}
_ACCEPTED_ANY = ("foto (JPG atau PNG) atau file PDF", "a photo (JPG or PNG) or a PDF file")


def human_size(size: int) -> str:
    """`5 MB`, `100 MB`, `500 KB`: sizes as residents read them."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{max(1, size // 1024)} KB"


def megapixels(pixels: int) -> str:
    """`24`, `12.5`: a pixel count as the megapixels cameras advertise."""
    return f"{pixels / 1_000_000:.3g}"


def message(reason: Reason, language: str = "id", **detail: Any) -> str:
    """The resident's sentence for `reason` in `language` ("id", anything else gives English)."""
    kinds = tuple(sorted(detail.get("accepted_kinds", ("image", "pdf"))))
    accepted_id, accepted_en = _ACCEPTED.get(kinds, _ACCEPTED_ANY)
    values = {
        "accepted_id": accepted_id,
        "accepted_en": accepted_en,
        "limit": human_size(int(detail.get("limit", 0))),
        "max_pages": detail.get("max_pages", ""),
        "megapixels": megapixels(int(detail.get("limit_pixels", 0))),
    }
    text_id, text_en = _MESSAGES[reason]
    return (text_id if language == "id" else text_en).format(**values)


@dataclass(frozen=True)
class Verdict:
    """The outcome of the intake checks: accepted (`reason` None) or refused with a reason."""

    reason: Reason | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.reason is None

    def message(self, language: str = "id") -> str | None:
        """The resident's sentence for a refusal, None when accepted."""
        return None if self.reason is None else message(self.reason, language, **self.detail)
