"""Live-mode settings with a business account, and the fake Graph API they talk to."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Settings
from tests.fakes.graph import FakeGraphAPI
from tests.support.environment import LIVE_SECRET_KEY
from tests.support.flows_publishing import WABA_ID


@pytest.fixture
def flows_settings(tmp_path: Path) -> Settings:
    return Settings(
        LOKET_VAR_DIR=tmp_path / "var",
        LOKET_LOG_JSON=False,
        WHATSAPP_ACCESS_TOKEN="test-access-token",
        WHATSAPP_PHONE_NUMBER_ID="106540352242922",
        WHATSAPP_APP_SECRET="test-app-secret",
        WHATSAPP_VERIFY_TOKEN="test-verify-token",
        WHATSAPP_BUSINESS_ACCOUNT_ID=WABA_ID,
        WHATSAPP_API_BASE_URL="http://graph.test",
        LOKET_SECRET_KEY=LIVE_SECRET_KEY,
    )


@pytest.fixture
def graph(flows_settings: Settings) -> FakeGraphAPI:
    return FakeGraphAPI.for_settings(flows_settings)
