"""The memory tests' fixture: a whole Loket in-process (see tests/support/loket.py)."""

from __future__ import annotations

from tests.support.loket import loket  # noqa: F401  (the live app fixture)
