"""The live app (fake Meta) to watch what residents receive, and a fixture making requests."""

from __future__ import annotations

import pytest

from tests.support.loket import loket  # noqa: F401  (the live app fixture)
from tests.support.request_rows import create_request


@pytest.fixture
def make_request():
    return create_request
