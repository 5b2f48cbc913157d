"""A whole Loket in-process: the app with a fake Graph API, and its workers driven step by step."""

from __future__ import annotations

from tests.support.loket import loket  # noqa: F401  (the live app fixture)
