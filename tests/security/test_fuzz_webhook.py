"""Hypothesis on the webhook and the worker behind it: no body, however hostile, gets a 5xx, and
no stored update makes the processing step raise.

Each example is one correctly signed body (see tests/support/webhook_bodies.py: Meta's shape with
hostile values, arbitrary JSON, raw bytes) POSTed through the whole app; then the workers run as
in production (the real event handler, media fetching from the fake Graph API, sending) until
nothing is left. Every update stored must be processed without the handler raising: an event
that raised would be retried and finally set aside with an apology, which is visible (the inbox
page, `loket inbox failed`) but is still a bug in what the fuzz sent, so the test fails on it.

The app runs in an event loop of its own thread (an anyio portal), so that Hypothesis drives a
plain function and shrinks a failure to the smallest body. State carries over between examples
on purpose: the same few senders keep talking, so later bodies meet conversations in progress.

`LOKET_FUZZ=long` sends 10,000 bodies (see tests/support/fuzz.py); the counts are printed.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest
from anyio.from_thread import BlockingPortal
from hypothesis import HealthCheck, given
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.signature import sign
from app.config import Settings
from app.conversations.failures import build_set_aside_handler
from app.conversations.service import build_event_handler
from app.inbox.models import InboundEvent
from app.inbox.processor import InboundProcessor
from app.main import create_app
from app.workers.runner import WorkerSet
from tests.fakes.graph import FakeGraphAPI
from tests.support.fuzz import fuzz_settings
from tests.support.webhook_bodies import webhook_bodies

URL = "/webhooks/whatsapp"
SECRET = b"test-app-secret"  # live_settings' WHATSAPP_APP_SECRET
# 200 stored (or ignored), 400 not a JSON object, 413 over the body limit: never anything else.
EXPECTED = {200, 400, 413}


@dataclass
class Harness:
    """The started app, its workers and what the fuzz saw."""

    client: httpx.AsyncClient
    inbound: InboundProcessor
    workers: WorkerSet
    statuses: Counter[int] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)

    async def deliver(self, body: bytes) -> int:
        headers = {"content-type": "application/json", "x-hub-signature-256": sign(SECRET, body)}
        response = await self.client.post(URL, content=body, headers=headers)
        self.statuses[response.status_code] += 1
        return response.status_code

    async def drain(self) -> None:
        """Run the workers until nothing is left (as tests/conversations' `drain`)."""
        for _ in range(10):
            done = await self.inbound.run_once()
            done += await self.workers.media.run_once()
            done += await self.workers.outbox.run_once()
            if done == 0:
                return

    async def unfinished(self) -> list[tuple[int, str, int, str | None]]:
        """(id, kind, attempts, last error) of every event not processed cleanly."""
        async with self.workers.runtime.sessionmaker() as session:
            rows = await session.execute(
                select(
                    InboundEvent.id,
                    InboundEvent.kind,
                    InboundEvent.attempts,
                    InboundEvent.last_error,
                ).where(
                    (InboundEvent.processed_at.is_(None))
                    | (InboundEvent.failed_at.is_not(None))
                    | (InboundEvent.attempts > 0)
                )
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    async def stored(self) -> int:
        async with self.workers.runtime.sessionmaker() as session:
            count = await session.scalar(select(func.count()).select_from(InboundEvent))
            return int(count or 0)


@asynccontextmanager
async def _started(settings: Settings) -> AsyncIterator[Harness]:
    graph = FakeGraphAPI.for_settings(settings)
    app = create_app(settings, run_workers=False, transport=graph.transport())
    async with app.router.lifespan_context(app):
        runtime = app.state.runtime
        handler = build_event_handler(runtime)
        harness: Harness

        async def recording(session: AsyncSession, event: InboundEvent) -> None:
            try:
                await handler(session, event)
            except Exception:
                harness.crashes.append(
                    f"{event.kind} {event.payload!r:.500}\n{traceback.format_exc()}"
                )
                raise

        inbound = InboundProcessor(
            runtime.sessionmaker, recording, on_set_aside=build_set_aside_handler(runtime)
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as client:
            harness = Harness(client, inbound, WorkerSet(runtime))
            yield harness


@pytest.fixture
def harness(
    portal: BlockingPortal, live_settings: Settings, sessionmaker: object
) -> Iterator[Harness]:
    """The app in the portal's loop; `sessionmaker` empties every table afterwards."""
    with portal.wrap_async_context_manager(_started(live_settings)) as started:
        yield started


# The harness is shared by every example on purpose (conversations carry on between bodies).
@fuzz_settings(ci_examples=250, also_suppress=(HealthCheck.function_scoped_fixture,))
@given(body=webhook_bodies)
def _fuzz(harness: Harness, portal: BlockingPortal, body: bytes) -> None:
    status = portal.call(harness.deliver, body)
    assert status in EXPECTED, (status, body[:300])
    portal.call(harness.drain)
    assert harness.crashes == [], harness.crashes[0]
    assert portal.call(harness.unfinished) == [], body[:300]


def test_no_signed_body_gets_a_server_error_or_crashes_the_worker(
    harness: Harness, portal: BlockingPortal
) -> None:
    started = time.monotonic()
    _fuzz(harness, portal)
    bodies = sum(harness.statuses.values())
    stored = portal.call(harness.stored)
    print(
        f"\nwebhook fuzz: {bodies} bodies, statuses {dict(sorted(harness.statuses.items()))}, "
        f"{stored} updates stored and processed, {len(harness.crashes)} handler crashes, "
        f"{time.monotonic() - started:.0f} s"
    )
    assert not [status for status in harness.statuses if status >= 500]
    assert harness.statuses[200] > bodies // 2  # most bodies reach the parser and the store
    assert stored > 0
