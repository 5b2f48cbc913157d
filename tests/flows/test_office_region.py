"""The office's region code (LOKET_OFFICE_REGION): read from the settings, given to the engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.config import Settings
from app.conversations.context import office_info


def test_the_region_code_is_optional_and_reaches_the_office_the_engine_sees() -> None:
    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    assert Settings().office_region is None
    assert office_info(None, Settings(), now).region is None
    settings = Settings(LOKET_OFFICE_REGION="73.07")
    assert settings.office_region == "7307"
    assert office_info(None, settings, now).region == "7307"


@pytest.mark.parametrize("value", ["730", "sinjai", "73070101"])
def test_a_region_code_that_is_not_2_4_or_6_digits_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="LOKET_OFFICE_REGION: a region code of 2, 4 or 6 digits"):
        Settings(LOKET_OFFICE_REGION=value)
