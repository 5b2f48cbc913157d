"""The engine tests' clock start and data folders (test data, golden conversations)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 08.00 WIB

DATA_DIR = Path(__file__).resolve().parents[1] / "flows" / "data"

GOLDEN_DIR = Path(__file__).resolve().parents[1] / "flows" / "golden"
