"""The operator dashboard in real headless Chromium: from the queue to a completed pickup."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import unit_of_work
from app.locker.factory import store_from_settings
from app.offices.models import Office
from app.outbox.models import OutboundMessage
from tests.support.browser import screenshot_path
from tests.support.factories import (
    PASSWORD,
    add_document,
    add_request,
    add_resident,
    build_world,
    ktp_fields,
)

pytestmark = pytest.mark.browser

TICKET = "KTP-261122-0042"


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 150)).save(out, format="JPEG")
    return out.getvalue()


async def _seed(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """The office tree, a village operator, and a submitted KTP request with a photo."""
    world = await build_world(sessionmaker)
    store = store_from_settings(settings)
    try:
        async with unit_of_work(sessionmaker) as session:
            await session.execute(
                update(Office)
                .where(Office.id == world.offices["DESA-A1"])
                .values(address="Balai Desa A1, Jl. Poros 1", hours="Senin–Jumat 08.00–14.00")
            )
            resident = await add_resident(session, "6289900000077", "Rina Kartika")
            request = await add_request(
                session,
                ticket=TICKET,
                resident=resident,
                office_id=world.offices["DESA-A1"],
                fields=ktp_fields("3201016607950004", "Rina Kartika"),
            )
            await add_document(
                session,
                store,
                resident=resident,
                requirement="foto",
                content=_jpeg(),
                attach_to=request,
            )
    finally:
        await store.aclose()


async def _pickup_code(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """The one-time code the ready-for-pickup template carried (4th body parameter)."""
    async with sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    for row in rows:
        template = row.body.get("template") or {}
        if template.get("name") == "loket_siap_diambil":
            body = next(c for c in template["components"] if c["type"] == "body")
            return str(body["parameters"][3]["text"])
    raise AssertionError("no pickup message in the outbox")


async def _move(page, target: str) -> None:
    await page.click(f"#action-{target} button[type=submit]")
    await page.locator(".notice").wait_for(timeout=10_000)


async def test_an_operator_takes_a_request_to_completion(
    page, live_server: str, settings: Settings, sessionmaker
) -> None:
    await _seed(settings, sessionmaker)

    await page.goto(f"{live_server}/dashboard/")
    await page.fill("#username", "desa_a1")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    row = page.locator(f'tr[data-ticket="{TICKET}"]')
    await row.wait_for(timeout=10_000)
    assert await row.locator(".nik").inner_text() == "3201********0004"
    await page.screenshot(path=screenshot_path("dashboard-queue"), full_page=True)

    await row.locator("a.ticket").click()
    await page.locator("#ticket").wait_for(timeout=10_000)
    assert await page.locator("#ticket").inner_text() == TICKET
    assert await page.locator('dd[data-field="nik"]').inner_text() == "3201016607950004"
    # The photo comes through the audited content route; decode() waits until it is shown.
    # (Not wait_for_function: its polling evaluates strings, which the page's CSP forbids.)
    image = page.locator("img.doc-image")
    await image.evaluate("img => img.decode()")
    assert await image.evaluate("img => img.naturalWidth") == 64
    await page.screenshot(path=screenshot_path("dashboard-request"), full_page=True)

    await _move(page, "in_review")
    await _move(page, "processing")
    place = page.locator('#action-ready_for_pickup input[name="place"]')
    assert await place.input_value() == "Balai Desa A1, Jl. Poros 1"
    await _move(page, "ready_for_pickup")
    assert await page.locator("#status").inner_text() == "Siap diambil"

    await page.fill("#pickup-code", await _pickup_code(sessionmaker))
    await _move(page, "completed")
    assert await page.locator("#status").inner_text() == "Selesai"
    steps = await page.locator("#history li").evaluate_all(
        "items => items.map(item => item.dataset.to)"
    )
    assert steps == ["submitted", "in_review", "processing", "ready_for_pickup", "completed"]
    await page.screenshot(path=screenshot_path("dashboard-completed"), full_page=True)
