"""The runtime's Graph API client waits WHATSAPP_API_TIMEOUT_SECONDS for an answer, and a
worker's outbox lease outlasts that wait."""

from __future__ import annotations

import httpx
import pytest

from app.config import ConfigError, Settings, load_settings
from app.runtime import build_runtime


async def test_graph_calls_wait_thirty_seconds_by_default(live_settings: Settings) -> None:
    runtime = build_runtime(live_settings)
    try:
        assert runtime.http.timeout == httpx.Timeout(30.0, connect=10.0)
    finally:
        await runtime.aclose()


async def test_a_short_graph_timeout_also_bounds_connecting(live_settings: Settings) -> None:
    settings = Settings(
        **{
            "DATABASE_URL": live_settings.database_url,
            "LOCKER_URL": live_settings.locker_url,
            "WHATSAPP_API_TIMEOUT_SECONDS": 2.5,
        }
    )
    runtime = build_runtime(settings)
    try:
        assert runtime.http.timeout == httpx.Timeout(2.5, connect=2.5)
    finally:
        await runtime.aclose()


def test_a_lease_shorter_than_a_graph_call_is_refused() -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(LOKET_WORKER_LEASE_SECONDS=20, WHATSAPP_API_TIMEOUT_SECONDS=20)
    assert str(refused.value) == (
        "invalid configuration: LOKET_WORKER_LEASE_SECONDS (20 s) must be longer than "
        "WHATSAPP_API_TIMEOUT_SECONDS (20 s): a message still waiting for Meta's answer would be "
        "sent again by another worker"
    )
