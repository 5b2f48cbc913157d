"""Fixtures the fuzz tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal


@pytest.fixture
def portal() -> Iterator[BlockingPortal]:
    """An event loop in a thread of its own: a Hypothesis test is synchronous, and runs the app
    and every example in this one loop through the portal."""
    with start_blocking_portal() as running:
        yield running
