"""A whole Loket in-process: the app with a fake Graph API, and its workers driven step by step.

`loket` is a fixture: a conftest imports it to offer it to its tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from app.bot.signature import sign
from app.config import Settings
from app.main import create_app
from app.runtime import Runtime
from app.workers.runner import WorkerSet
from tests.fakes.graph import FakeGraphAPI


@dataclass
class Loket:
    """The app, an HTTP client for it, the fake Meta, and the workers (run with `drain()`)."""

    app: FastAPI
    client: httpx.AsyncClient
    graph: FakeGraphAPI
    workers: WorkerSet
    settings: Settings

    @property
    def runtime(self) -> Runtime:
        runtime: Runtime = self.app.state.runtime
        return runtime

    async def post_webhook(self, doc: dict) -> httpx.Response:
        import json

        body = json.dumps(doc).encode()
        secret = self.settings.whatsapp_app_secret
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers["x-hub-signature-256"] = sign(secret.get_secret_value().encode(), body)
        return await self.client.post("/webhooks/whatsapp", content=body, headers=headers)

    async def drain(self, rounds: int = 5) -> None:
        """Run inbound processing, media fetching and sending until nothing is left."""
        for _ in range(rounds):
            done = await self.workers.inbound.run_once()
            done += await self.workers.media.run_once()
            done += await self.workers.outbox.run_once()
            if done == 0:
                return


@pytest.fixture
async def loket(live_settings: Settings, sessionmaker) -> AsyncIterator[Loket]:
    graph = FakeGraphAPI.for_settings(live_settings)
    app = create_app(live_settings, run_workers=False, transport=graph.transport())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as client:
            yield Loket(app, client, graph, WorkerSet(app.state.runtime), live_settings)
