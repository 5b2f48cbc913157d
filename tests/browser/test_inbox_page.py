"""The admin's page of failed inbound messages in real Chromium: read it, retry one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import unit_of_work
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage
from tests.support.browser import screenshot_path
from tests.support.factories import PASSWORD, add_resident, build_world

pytestmark = pytest.mark.browser


async def _seed(sessionmaker) -> int:
    """Operators, and a resident's "halo" set aside after three failures an hour ago."""
    await build_world(sessionmaker)
    failed = datetime.now(UTC) - timedelta(hours=1)
    async with unit_of_work(sessionmaker) as session:
        resident = await add_resident(
            session, "6289900000055", "Rina", last_inbound_at=failed - timedelta(minutes=1)
        )
        event = InboundEvent(
            dedup_key="m:wamid.SETASIDE1",
            kind=KIND_MESSAGE,
            resident_id=resident.id,
            external_id="wamid.SETASIDE1",
            payload={"message": {"type": "text", "text": {"body": "halo"}}},
            received_at=failed - timedelta(minutes=1),
            processed_at=failed,
            failed_at=failed,
            attempts=3,
            last_error="OperationalError: database is locked",
        )
        session.add(event)
        await session.flush()
        return event.id


async def test_an_admin_retries_a_failed_message(page, live_server: str, sessionmaker) -> None:
    event_id = await _seed(sessionmaker)

    await page.goto(f"{live_server}/dashboard/login")
    await page.fill("#username", "root")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator("#nav-inbox").click()
    row = page.locator(f"#event-{event_id}")
    await row.wait_for(timeout=10_000)
    assert await row.locator(".who").inner_text() == "+6289*****0055"
    assert await row.locator(".what").inner_text() == "Pesan teks"
    assert (await row.locator(".error-words").inner_text()).startswith(
        "Basis data atau jaringan tidak menjawab saat itu."
    )
    await page.screenshot(path=screenshot_path("dashboard-inbox-phone"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.screenshot(path=screenshot_path("dashboard-inbox-desktop"), full_page=True)

    await row.locator("button[type=submit]").click()
    await page.locator("#inbox-notice").wait_for(timeout=10_000)
    assert await page.locator(f"#event-{event_id}").count() == 0
    assert await page.locator("#inbox-empty").is_visible()

    # The workers run the message once: the resident gets the bot's greeting.
    replies: list[OutboundMessage] = []
    for _ in range(100):
        async with sessionmaker() as session:
            replies = list(
                (
                    await session.execute(
                        select(OutboundMessage).where(OutboundMessage.origin == "conversation")
                    )
                ).scalars()
            )
            event = await session.get(InboundEvent, event_id)
        if replies and event is not None and event.processed_at is not None:
            break
        await page.wait_for_timeout(100)
    assert replies, "the retried message was not processed"
    assert event is not None and (event.failed_at, event.attempts) == (None, 0)
