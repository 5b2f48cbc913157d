"""Attacks on the locker: files built to exhaust memory, and media that never finish arriving.

Memory is measured, not assumed: each check runs in a fresh child process that reports how far
its peak RSS rose (tests/security/rss.py). The target is at most 100 MB per check; before the
decoding budget, the 7070×7070 PNG bomb below (~870 KB) took 950 MB in one check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.locker.checks import CHECK_THREADS
from tests.security.rss import UPLOAD_KINDS, measure_checks, write_upload_kinds

MAX_GROWTH_MB = 100.0


@pytest.fixture(scope="module")
def upload_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_upload_kinds(tmp_path_factory.mktemp("uploads"))


@pytest.mark.parametrize("kind", list(UPLOAD_KINDS))
def test_one_check_stays_within_its_memory(upload_files: dict[str, Path], kind: str) -> None:
    measured = measure_checks([upload_files[kind]])
    assert measured.reasons == [UPLOAD_KINDS[kind][2]]
    assert measured.growth_mb <= MAX_GROWTH_MB, f"{kind}: {measured.growth_mb:.1f} MB"


def test_four_counter_uploads_at_once_share_the_bounded_check_threads(
    upload_files: dict[str, Path],
) -> None:
    """Four operators upload the worst PNG at the same moment: at most `CHECK_THREADS` checks
    decode together (they used to run in as many threads as there were files, twice each)."""
    paths = [upload_files["png-at-the-budget"]] * 4
    measured = measure_checks(paths, as_uploads=True)
    assert measured.reasons == ["too_bright"] * 4
    assert CHECK_THREADS == 2
    assert measured.growth_mb <= CHECK_THREADS * MAX_GROWTH_MB, f"{measured.growth_mb:.1f} MB"
