"""Outbox fixtures: a fake clock, the fake Graph API and a factory of workers wired to them."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.bot.client import GraphClient
from app.bot.sender import MessageSender
from app.config import Settings
from app.outbox.sender import OutboxSender
from tests.fakes.graph import FakeGraphAPI
from tests.support.outbox import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake_graph(live_settings: Settings) -> FakeGraphAPI:
    return FakeGraphAPI.for_settings(live_settings)


@pytest.fixture
async def graph(fake_graph: FakeGraphAPI, live_settings: Settings) -> AsyncIterator[GraphClient]:
    async with fake_graph.client() as http:
        yield GraphClient(live_settings, http)


@pytest.fixture
def make_worker(
    sessionmaker: async_sessionmaker[AsyncSession],
    graph: GraphClient,
    live_settings: Settings,
    clock: FakeClock,
) -> Callable[..., OutboxSender]:
    """Build an `OutboxSender` on the fake Graph API and the fake clock; override any part."""

    def build(
        worker_id: str = "worker-a",
        *,
        sender: MessageSender | None = None,
        settings: Settings | None = None,
        **kwargs: Any,
    ) -> OutboxSender:
        return OutboxSender(
            sessionmaker,
            sender or graph,
            settings or live_settings,
            worker_id=worker_id,
            clock=clock,
            rng=random.Random(20261123),
            **kwargs,
        )

    return build
