"""Home delivery in real headless Chromium: an operator sends a request out with a courier, the
form refuses it without one, and the code the resident gave the courier completes it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import unit_of_work
from app.outbox.models import OutboundMessage
from tests.support.browser import screenshot_path
from tests.support.factories import PASSWORD, add_request, add_resident, build_world, ktp_fields

pytestmark = pytest.mark.browser

TICKET = "KTP-261203-0016"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def _seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await build_world(sessionmaker)
    async with unit_of_work(sessionmaker) as session:
        resident = await add_resident(session, "6289900000016", "Rina Kartika")
        await add_request(
            session,
            ticket=TICKET,
            resident=resident,
            office_id=world.offices["DESA-A1"],
            fields=ktp_fields("3201016607950004", "Rina Kartika"),
        )


async def _delivery_code(sessionmaker: async_sessionmaker[AsyncSession]) -> str:
    """The one-time code the resident was sent (the template's last parameter, or the text)."""
    async with sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    for row in rows:
        template = row.body.get("template") or {}
        if template.get("name") == "loket_diantar":
            body = next(c for c in template["components"] if c["type"] == "body")
            return str(body["parameters"][4]["text"])
        found = re.search(r"kode penerimaan (\d{6})", (row.body.get("text") or {}).get("body", ""))
        if found:
            return found[1]
    raise AssertionError("no delivery message in the outbox")


async def _move(page, target: str) -> None:
    await page.click(f"#action-{target} button[type=submit]")
    await page.locator(".notice, .form-error").first.wait_for(timeout=10_000)


async def test_an_operator_sends_a_request_out_and_completes_it_with_the_code(
    page, live_server: str, settings: Settings, sessionmaker
) -> None:
    await _seed(sessionmaker)
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{live_server}/dashboard/")
    await page.fill("#username", "desa_a1")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator(f'tr[data-ticket="{TICKET}"] a.ticket').click()
    await page.locator("#ticket").wait_for(timeout=10_000)
    await _move(page, "in_review")
    await _move(page, "processing")

    # Without a courier the form says so, inside the form.
    await _move(page, "out_for_delivery")
    error = page.locator('#action-out_for_delivery .form-error[data-for="action-out_for_delivery"]')
    assert await error.inner_text() == "Isi nama kurir atau nomor resi."
    await page.locator("#action-out_for_delivery").scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("delivery-courier-missing"), full_page=True)

    await page.fill("#courier-name", "Andi Saputra")
    await page.fill("#courier-tracking", "PI2612030042")
    await _move(page, "out_for_delivery")
    assert await page.locator("#status").inner_text() == "Sedang diantar"
    assert await page.locator("#courier-name-shown").inner_text() == "Andi Saputra"
    assert await page.locator("#courier-tracking-shown").inner_text() == "PI2612030042"
    await page.screenshot(path=screenshot_path("delivery-out"), full_page=True)

    await page.set_viewport_size(PHONE)
    await page.locator("#delivery").scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("delivery-out-phone"), full_page=True)
    # On a phone the completion form fits the screen: no sideways scrolling.
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    code = await _delivery_code(sessionmaker)
    await page.fill("#delivery-code", "000000" if code != "000000" else "111111")
    await _move(page, "completed")
    assert await page.locator('.form-error[data-for="action-completed"]').inner_text() == (
        "Kode penerimaan salah."
    )
    await page.locator("#action-completed").scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("delivery-wrong-code-phone"), full_page=False)

    await page.fill("#delivery-code", code)
    await _move(page, "completed")
    assert await page.locator("#status").inner_text() == "Selesai"
    steps = await page.locator("#history li").evaluate_all(
        "items => items.map(item => item.dataset.to)"
    )
    assert steps == ["submitted", "in_review", "processing", "out_for_delivery", "completed"]
    assert await page.locator("#history .handover").inner_text() == "Kode penerimaan cocok"
    assert await page.locator("#history .courier").inner_text() == (
        "Nama kurir: Andi Saputra · Nomor resi: PI2612030042"
    )
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=screenshot_path("delivery-completed"), full_page=True)
