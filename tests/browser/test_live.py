"""Live updates in real Chromium: another operator's change appears without a reload."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work, utcnow
from app.requests.models import Request
from app.requests.work import add_note
from tests.support.browser import screenshot_path
from tests.support.factories import PASSWORD, add_request, add_resident, build_world

pytestmark = pytest.mark.browser

TICKET = "KTP-261122-0042"


async def _seed(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    world = await build_world(sessionmaker)
    async with unit_of_work(sessionmaker) as session:
        resident = await add_resident(session, "6289900000077", "Rina Kartika")
        await add_request(
            session, ticket=TICKET, resident=resident, office_id=world.offices["DESA-A1"]
        )
    return world.offices["DESA-A1"]


async def test_the_request_page_and_queue_follow_changes_made_elsewhere(
    page, live_server: str, sessionmaker
) -> None:
    village = await _seed(sessionmaker)
    await page.goto(f"{live_server}/dashboard/login")
    await page.fill("#username", "desa_a1")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator(f'tr[data-ticket="{TICKET}"]').wait_for(timeout=10_000)

    # The queue: a request arriving for the village shows up by itself.
    async with unit_of_work(sessionmaker) as session:
        resident = await add_resident(session, "6289900000078", "Dedi Kurnia")
        await add_request(
            session, ticket="KTP-261122-0043", resident=resident, office_id=village, minutes=5
        )
    await page.locator('tr[data-ticket="KTP-261122-0043"]').wait_for(timeout=15_000)

    # The request page: another operator's move and note appear, with a short notice.
    await page.goto(f"{live_server}/dashboard/requests/{TICKET}")
    assert await page.locator("#status").inner_text() == "Diajukan"
    async with unit_of_work(sessionmaker) as session:
        request = (
            await session.execute(
                update(Request)
                .where(Request.ticket == TICKET)
                .values(status="in_review", updated_at=utcnow())
                .returning(Request)
            )
        ).scalar_one()
        await add_note(
            session, request, actor="operator:kec_a", text="Dicek kecamatan", now=utcnow()
        )
    await page.locator("#status", has_text="Diperiksa").wait_for(timeout=15_000)
    await page.locator("#history li.note", has_text="Dicek kecamatan").wait_for(timeout=5_000)
    await page.locator("#live-notice").wait_for(state="visible", timeout=5_000)
    await page.locator("#action-processing").wait_for(timeout=5_000)
    await page.screenshot(path=screenshot_path("dashboard-live"), full_page=True)
