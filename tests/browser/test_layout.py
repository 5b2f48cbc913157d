"""The queue and the request page on a desktop and on a 390-px phone, in real Chromium.

Screenshots go to test-artifacts/ (layout-*.png) for a person to look at; the assertions hold
what a person would check first: nothing wider than the phone, the status of every queued
request on screen, a red and separate "Tolak", a form error beside its form, a search hint that
fits its box.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import unit_of_work
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.locker.factory import store_from_settings
from app.outbox.models import OutboundMessage
from tests.support.browser import screenshot_path
from tests.support.factories import (
    PASSWORD,
    START,
    add_document,
    add_request,
    add_resident,
    build_world,
    ktp_fields,
)

pytestmark = pytest.mark.browser

TICKET = "SIPI-261120-0007"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NAMES = [
    "Andi Muhammad Syahrul Ramadhan",
    "Siti Aminah",
    "Wa Ode Nurhaliza Saputri",
    "Budi Santoso",
    "I Gusti Ayu Kadek Widyastuti",
]
CHAT = [
    (True, "Assalamualaikum, mau perpanjang SIPI pak"),
    (False, "Silakan ketik nama kapal Anda."),
    (True, "KM Bahari Jaya 02"),
    (False, "Terima kasih. Silakan kirim foto Buku Kapal Perikanan (boleh beberapa halaman)."),
    (True, ""),
]


def _jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (shade, 180, 150)).save(out, format="JPEG")
    return out.getvalue()


async def _seed(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Five KTP requests in the queue and a SIPI renewal with photos and a chat."""
    world = await build_world(sessionmaker)
    store = store_from_settings(settings)
    village = world.offices["DESA-A1"]
    try:
        async with unit_of_work(sessionmaker) as session:
            for number, name in enumerate(NAMES, start=1):
                resident = await add_resident(session, f"62899000001{number:02d}", name)
                await add_request(
                    session,
                    ticket=f"KTP-261120-00{number:02d}",
                    resident=resident,
                    office_id=village,
                    status=("submitted", "in_review", "needs_correction")[number % 3],
                    fields=ktp_fields(f"32010145089000{number:02d}", name),
                    minutes=number,
                )
            fisher = await add_resident(session, "6289900000177", "Daeng 🐟")
            sipi = await add_request(
                session,
                ticket=TICKET,
                resident=fisher,
                office_id=village,
                status="in_review",
                service="sipi_perpanjangan",
                variant=None,
                fields={
                    "nik": "7307011203800001",
                    "nama": "Daeng Rahman Bin Abdullah",
                    "no_hp": "081234567890",
                    "nama_kapal": "KM Bahari Jaya 02",
                    "gt": 6,
                    "alat_tangkap": "jaring_insang",
                    "no_sipi_lama": "523.4/0117/SIPI/DKP/2024",
                    "sipi_berlaku_sampai": "2026-12-31",
                    "ada_perubahan": "tidak",
                },
                minutes=30,
            )
            for shade in (120, 200):
                await add_document(
                    session,
                    store,
                    resident=fisher,
                    requirement="bkp",
                    content=_jpeg(shade),
                    attach_to=sipi,
                )
            for number, (inbound, text) in enumerate(CHAT):
                at = START + timedelta(minutes=20 + number)
                if inbound:
                    message = {"type": "text", "text": {"body": text}}
                    if not text:
                        message = {"type": "image", "image": {"id": "media-1"}}
                    session.add(
                        InboundEvent(
                            dedup_key=f"m:wamid.layout.{number}",
                            kind=KIND_MESSAGE,
                            resident_id=fisher.id,
                            external_id=f"wamid.layout.{number}",
                            payload={"message": message},
                            occurred_at=at,
                            received_at=at,
                            processed_at=at,  # answered long ago: the bot does not reply now
                        )
                    )
                else:
                    body = {"messaging_product": "whatsapp", "type": "text", "text": {"body": text}}
                    session.add(
                        OutboundMessage(
                            resident_id=fisher.id,
                            kind="text",
                            body=body,
                            state="sent",
                            created_at=at,
                            next_attempt_at=at,
                        )
                    )
    finally:
        await store.aclose()


async def _no_sideways_scroll(page) -> None:
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in {widths[1]} px"


async def _right_edge(locator) -> float:
    box = await locator.bounding_box()
    assert box is not None
    return float(box["x"] + box["width"])


async def test_queue_and_request_page_on_desktop_and_phone(
    page, live_server: str, settings: Settings, sessionmaker
) -> None:
    await _seed(settings, sessionmaker)
    await page.set_viewport_size(DESKTOP)
    await page.goto(f"{live_server}/dashboard/")
    await page.fill("#username", "desa_a1")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator(f'tr[data-ticket="{TICKET}"]').wait_for(timeout=10_000)
    await page.screenshot(path=screenshot_path("layout-queue-desktop"), full_page=True)

    # The search hint is read whole: its text fits inside the box.
    fits = await page.locator("#search").evaluate(
        """input => {
            const style = getComputedStyle(input);
            const context = document.createElement("canvas").getContext("2d");
            context.font = style.font;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return context.measureText(input.placeholder).width <= room;
        }"""
    )
    assert fits

    await page.goto(f"{live_server}/dashboard/requests/{TICKET}")
    await page.locator("img.doc-image").first.evaluate("img => img.decode()")
    await page.screenshot(path=screenshot_path("layout-request-desktop"), full_page=True)
    await _reject_is_red_and_apart(page)

    await page.set_viewport_size(PHONE)
    await page.goto(f"{live_server}/dashboard/")
    await page.locator(f'tr[data-ticket="{TICKET}"]').wait_for(timeout=10_000)
    await page.screenshot(path=screenshot_path("layout-queue-phone"), full_page=True)
    await _no_sideways_scroll(page)
    statuses = page.locator("table.queue tbody td.status")
    assert await statuses.count() == 6
    for index in range(6):
        status = statuses.nth(index)
        assert await status.is_visible()
        assert await _right_edge(status) <= PHONE["width"]
    assert await (await page.query_selector("#search")).evaluate(
        "input => input.scrollWidth <= input.clientWidth"
    )

    await page.goto(f"{live_server}/dashboard/requests/{TICKET}")
    await page.locator("img.doc-image").first.evaluate("img => img.decode()")
    await page.screenshot(path=screenshot_path("layout-request-phone"), full_page=True)
    await _no_sideways_scroll(page)
    await _reject_is_red_and_apart(page)

    # A correction that names nothing: the reason stands in that form, and the page shows it.
    await page.click("#action-needs_correction button[type=submit]")
    error = page.locator("#action-needs_correction .form-error")
    await error.wait_for(timeout=10_000)
    assert await error.inner_text() == "Pilih dokumen atau isian yang harus diperbaiki."
    assert await page.locator("main > .error").count() == 0
    assert await error.evaluate(
        """element => {
            const box = element.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }"""
    )
    await page.screenshot(path=screenshot_path("layout-request-phone-error"))


async def _reject_is_red_and_apart(page) -> None:
    """ "Tolak" is red and stands apart from the moves that take the request forward."""
    button = page.locator("#action-rejected button[type=submit]")
    assert await button.inner_text() == "Tolak"
    color = await button.evaluate("b => getComputedStyle(b).backgroundColor")
    assert color == "rgb(166, 27, 27)"
    zone = page.locator(".danger-zone")
    assert await zone.locator("#action-rejected").count() == 1
    gap = await zone.evaluate(
        "zone => zone.getBoundingClientRect().top"
        " - zone.previousElementSibling.getBoundingClientRect().bottom"
    )
    assert gap >= 16
