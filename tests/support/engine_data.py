"""The engine tests' clock start and data folders (catalogs, golden conversations)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 08.00 WIB

DATA_DIR = Path(__file__).resolve().parents[1] / "flows" / "data"

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "flows" / "golden"

# The shipped catalog with what a NIK gives derived (birth date, sex, the KIA's age group) and
# one-sheet documents at `max: 1`: the catalog change of issue 13, item 7, tested before the
# shipped files take it over.
DERIVED_CATALOG_DIR = Path(__file__).resolve().parents[1] / "flows" / "catalogs" / "derived"
