"""Thresholds of the intake checks and the download policy, and what a requirement accepts.

`LockerPolicy` carries defaults that suit phone photos of Indonesian civil-registry papers; the
service's settings can override any of them. `DocumentRequirement` is the locker's view of one
document a service asks for (the catalog's entry, reduced to what the checks need).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

MiB = 1024 * 1024

# Meta's Cloud API limits per message type (whatsapp-cloud-api.md §3). A photo sent "as a
# document" is a document message and gets the document limit.
META_MEDIA_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "image": 5 * MiB,
        "document": 100 * MiB,
        "audio": 16 * MiB,
        "video": 16 * MiB,
        "sticker": 500 * 1024,
    }
)

# File kinds a requirement can accept, and the sniffed MIME types that belong to each.
FILE_KINDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "image": frozenset({"image/jpeg", "image/png"}),
        "pdf": frozenset({"application/pdf"}),
    }
)


@dataclass(frozen=True)
class DocumentRequirement:
    """One document a service needs, as the locker sees it.

    `key` is the requirement's key in the service (stored on the document); `kind` says what the
    paper is (e.g. "kk"), which is what reuse across requests matches on, and defaults to `key`.
    `kinds` lists accepted file kinds ("image", "pdf"); `max_bytes` is the requirement's own size
    limit; `validity_days` bounds how long an accepted copy may be reused.
    """

    key: str
    kinds: tuple[str, ...] = ("image", "pdf")
    max_bytes: int | None = None
    validity_days: int | None = None
    kind: str | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FILE_KINDS)
        if unknown or not self.kinds:
            raise ValueError(f"requirement {self.key!r}: unknown file kinds {sorted(unknown)}")

    @property
    def document_kind(self) -> str:
        return self.kind or self.key

    @property
    def mime_types(self) -> frozenset[str]:
        return frozenset().union(*(FILE_KINDS[kind] for kind in self.kinds))


@dataclass(frozen=True)
class LockerPolicy:
    """Every threshold of intake and download, with defaults (the lead wires them to settings)."""

    # Absolute cap on any stored file, whatever Meta or the requirement allow.
    max_bytes: int = 100 * MiB
    media_limits: Mapping[str, int] = field(default_factory=lambda: META_MEDIA_LIMITS)

    # Images. A sharp 640×480 photo passes: the short side must be at least 480 pixels.
    min_short_side: int = 480
    # Larger images are refused before decoding (decompression bombs). 24 MP covers a phone
    # photo: cameras save 12–13 MP by default (48–50 MP sensors bin 4 pixels into 1).
    max_image_pixels: int = 24_000_000
    # What decoding one image may cost (see decoding.py for the estimate): a 16-MP colour PNG,
    # any baseline JPEG up to `max_image_pixels` (decoded at 1/2–1/8 scale), a progressive JPEG
    # up to ~20 MP at 4:2:0. With the shrunk copies a check stays under ~100 MB.
    decode_budget_bytes: int = 64 * MiB
    # Variance of the Laplacian on the grey image scaled to fit `analysis_size`; below = blurred.
    min_sharpness: float = 60.0
    analysis_size: int = 1024
    # Mean grey level (0–255): below `min_brightness` is too dark.
    min_brightness: float = 40.0
    # Over-exposure needs both: a picture nearly white on average (mean grey above
    # `max_brightness`) AND without ink, i.e. less than `min_ink_share` of its pixels darker than
    # `ink_level` (mid-grey). A clean scan of a white page is as bright on average, but its text
    # stays dark however little of the page it covers (a title and a signature line are ~0.1 %);
    # in a washed-out photo even the text has turned pale grey (no pixel below ~180).
    max_brightness: float = 235.0
    ink_level: float = 128.0
    min_ink_share: float = 0.001
    thumbnail_size: int = 320

    # PDFs.
    max_pdf_pages: int = 50
    # PDFs with only an owner password (printing or copying restricted) open without one.
    allow_owner_password_pdf: bool = True

    # Downloads from Meta.
    download_attempts: int = 4
    url_refreshes: int = 3
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 30.0
    # One attempt (lookup and download) taking longer than this is abandoned and retried: a
    # stalled connection must not hold an ingest forever.
    attempt_timeout_seconds: float = 600.0
    # Where downloads are spooled for checking; None = the system's temporary folder.
    spool_dir: Path | None = None

    def size_limit(self, requirement: DocumentRequirement, media_kind: str | None) -> int:
        """The byte limit for one file: the smallest of Meta's, the requirement's and ours."""
        limits = [self.max_bytes, self.media_limits.get(media_kind or "document", self.max_bytes)]
        if requirement.max_bytes is not None:
            limits.append(requirement.max_bytes)
        return min(limits)

    def retry_delay(self, failures: int) -> float:
        """Exponential backoff after `failures` failed attempts (1, 2, 4, ... seconds, capped)."""
        return float(min(self.retry_max_seconds, self.retry_base_seconds * 2 ** (failures - 1)))
