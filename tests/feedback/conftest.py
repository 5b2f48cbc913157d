"""The feedback tests' fixture: the live app (its factories are in tests/support/feedback.py)."""

from __future__ import annotations

from tests.support.loket import loket  # noqa: F401  (the live app fixture)
