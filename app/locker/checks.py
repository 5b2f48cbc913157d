"""Intake: decide whether a downloaded file is acceptable, before anyone else sees it.

The type comes from the file's own magic bytes (filetype), never from the MIME type the sender
declared: a PNG renamed `.pdf` is a PNG. Then the size, then the checks of its kind.
"""

from __future__ import annotations

import asyncio
import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import filetype

from app.locker.image_checks import check_image
from app.locker.pdf_checks import check_pdf
from app.locker.policy import FILE_KINDS, DocumentRequirement, LockerPolicy
from app.locker.reasons import Reason, Verdict

_SNIFF_BYTES = 8192
# The checks decode pictures and walk PDFs: CPU and up to ~100 MB each. They all run in this one
# pool, shared by the media worker and the counter, so however many files arrive at once at most
# this many are checked together (and the process's peak is about that many checks).
CHECK_THREADS = 2
_pool: ThreadPoolExecutor | None = None


@dataclass(frozen=True)
class Inspection:
    """The verdict on one file, with what was learnt about it on the way."""

    verdict: Verdict
    mime_type: str | None = None  # sniffed from the content; None when unrecognised
    pages: int | None = None
    thumbnail: bytes | None = None  # JPEG, for the dashboard; only for accepted files
    metrics: dict[str, Any] = field(default_factory=dict)


def sniff_mime(path: Path) -> str | None:
    """The MIME type the file's first bytes announce, or None."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    kind = filetype.guess(head)
    return None if kind is None else str(kind.mime)


def file_kind(mime_type: str | None) -> str | None:
    """ "image" or "pdf" for the MIME types the locker accepts at all; None for anything else."""
    for kind, mime_types in FILE_KINDS.items():
        if mime_type in mime_types:
            return kind
    return None


def inspect_file(
    path: Path, requirement: DocumentRequirement, policy: LockerPolicy, *, size_limit: int
) -> Inspection:
    """Every intake check on a local file (blocking: run it in a worker thread)."""
    size = path.stat().st_size
    if size > size_limit:
        return Inspection(Verdict(Reason.TOO_LARGE, {"limit": size_limit, "size": size}))
    mime_type = sniff_mime(path)
    kind = file_kind(mime_type)
    if kind is None or kind not in requirement.kinds:
        detail = {"sniffed": mime_type, "accepted_kinds": list(requirement.kinds)}
        return Inspection(Verdict(Reason.WRONG_TYPE, detail), mime_type)
    if kind == "image":
        image = check_image(path, policy)
        metrics: dict[str, Any] = dict(image.metrics or {})
        if image.width is not None:
            metrics.update(width=image.width, height=image.height)
        pages = 1 if image.verdict.accepted else None
        return Inspection(image.verdict, mime_type, pages, image.thumbnail, metrics)
    pdf = check_pdf(path, policy)
    return Inspection(pdf.verdict, mime_type, pdf.pages, pdf.thumbnail)


def _checks_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:  # created on first use, from the event loop's thread only
        _pool = ThreadPoolExecutor(CHECK_THREADS, thread_name_prefix="loket-check")
    return _pool


async def run_checks(
    path: Path, requirement: DocumentRequirement, policy: LockerPolicy, *, size_limit: int
) -> Inspection:
    """`inspect_file` in the shared, bounded pool of check threads (waits for a free one)."""
    check = functools.partial(inspect_file, path, requirement, policy, size_limit=size_limit)
    return await asyncio.get_running_loop().run_in_executor(_checks_pool(), check)
