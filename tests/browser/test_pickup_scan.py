"""Pickup at the counter in real headless Chromium: the operator scans the resident's QR code
with the (fake) camera, or types the code; either completes the pickup."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.requests import pickup_qr
from app.requests.handover import _code_hash
from app.requests.models import Request, RequestEvent
from tests.support.browser import browser_context, screenshot_path
from tests.support.factories import PASSWORD, build_world, seed_requests
from tests.support.fake_camera import picture_frame, write_y4m

pytestmark = pytest.mark.browser

TICKET = "KTP-261120-0001"
CODE = "482913"


async def _ready(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await build_world(sessionmaker)
    await seed_requests(sessionmaker, world)
    async with unit_of_work(sessionmaker) as session:
        await session.execute(
            update(Request)
            .where(Request.ticket == TICKET)
            .values(
                status="ready_for_pickup",
                service_code="kk",
                pickup_code_hash=_code_hash(TICKET, CODE),
                proxy_name="Rina Wati",
                proxy_nik="7307054506900002",
            )
        )


async def _sign_in(page, live_server: str) -> None:
    await page.goto(f"{live_server}/dashboard/login")
    await page.fill("#username", "desa_a1")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.goto(f"{live_server}/dashboard/requests/{TICKET}")


async def _completion(sessionmaker) -> tuple[str, dict]:
    async with sessionmaker() as session:
        request = (
            await session.execute(select(Request).where(Request.ticket == TICKET))
        ).scalar_one()
        event = (
            await session.execute(select(RequestEvent).order_by(RequestEvent.id.desc()).limit(1))
        ).scalar_one()
    return request.status, event.data


@pytest.mark.parametrize("viewport", [(1280, 900), (390, 844)], ids=["desktop", "phone"])
async def test_scanning_the_qr_completes_the_pickup(
    chromium_path: str, live_server: str, sessionmaker, tmp_path, viewport
) -> None:
    await _ready(sessionmaker)
    png = pickup_qr.png(pickup_qr.payload(TICKET, CODE))
    video = write_y4m(tmp_path / "qr.y4m", picture_frame(png))
    camera = (f"--use-file-for-fake-video-capture={video}",)
    async with browser_context(chromium_path, camera, viewport) as (context, errors):
        page = await context.new_page()
        await _sign_in(page, live_server)
        await page.click("#scan-code")
        from playwright.async_api import expect

        # The dashboard's CSP forbids eval: wait on the element, not a JavaScript predicate.
        await expect(page.locator("#pickup-code")).to_have_value(CODE, timeout=20_000)
        assert await page.locator("#scan-panel").is_hidden()  # the camera stops once read
        assert await page.locator("#scan-result-action-completed").inner_text() == (
            "Kode terbaca: 482913. Periksa, lalu tekan tombol untuk menyelesaikan."
        )
        name = "pickup-scan-read" + ("-phone" if viewport[0] < 500 else "")
        await page.screenshot(path=screenshot_path(name), full_page=True)
        await page.check("#collector input[value=proxy]")
        await page.click("#action-completed button[type=submit]")
        await page.locator("#status", has_text="Selesai").wait_for(timeout=10_000)
        await page.screenshot(path=screenshot_path(name.replace("read", "done")), full_page=True)
        assert errors == []
    assert await _completion(sessionmaker) == (
        "completed",
        {"pickup_code": "verified", "collected_by": "proxy"},
    )


async def test_the_camera_view_while_looking(
    chromium_path: str, live_server: str, sessionmaker, tmp_path
) -> None:
    """A frame without a QR code: the panel stays open and says what to do."""
    from PIL import Image

    await _ready(sessionmaker)
    video = write_y4m(tmp_path / "blank.y4m", Image.new("RGB", (640, 480), "gray"))
    camera = (f"--use-file-for-fake-video-capture={video}",)
    async with browser_context(chromium_path, camera, (390, 844)) as (context, errors):
        page = await context.new_page()
        await _sign_in(page, live_server)
        await page.click("#scan-code")
        await page.locator("#scan-status", has_text="Arahkan kamera").wait_for(timeout=20_000)
        await page.screenshot(path=screenshot_path("pickup-scan-looking-phone"))
        await page.click("#scan-close")
        assert await page.locator("#scan-panel").is_hidden()
        assert errors == []


async def test_typing_the_code_still_completes(page, live_server: str, sessionmaker) -> None:
    await _ready(sessionmaker)
    await _sign_in(page, live_server)
    await page.fill("#pickup-code", CODE)
    await page.click("#action-completed button[type=submit]")
    await page.locator("#status", has_text="Selesai").wait_for(timeout=10_000)
    assert await _completion(sessionmaker) == (
        "completed",
        {"pickup_code": "verified", "collected_by": "resident"},
    )
