"""The expiry reminder's FLOW button in real Chromium: a newcomer sees the reminder template
with "Isi formulir" under it, taps it, and the SIPI form opens pre-filled for the boat."""

from __future__ import annotations

import pytest

from app.bot.flow_messages import flow_template
from tests.support.browser import screenshot_path
from tests.support.flow_messages import send_flow
from tests.support.phone import SimPhone
from tests.support.renewal_prefill import PREFILL

pytestmark = pytest.mark.browser

WA_ID = "6281299990303"
PHONE = {"width": 390, "height": 844}
TIMEOUT = 20_000


async def test_the_reminders_form_button_opens_the_prefilled_form(
    page, live_server: str, sessionmaker
) -> None:
    await page.set_viewport_size(PHONE)
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Andi Baso")
    await phone.said("Silakan pilih layanan", after=await phone.type("halo"))

    body = flow_template(
        "loket_pengingat_perpanjang_formulir_sipi_perpanjangan",
        "id",
        body_params=["Perpanjangan SIPI", "KM Bintang Laut", "31 Desember 2026"],
        token="tok-renewal",
        data=PREFILL,
        button_index=1,
        quick_reply_payloads=["renew"],
    )
    await send_flow(sessionmaker, WA_ID, body)
    reminder = page.locator(".msg.bot .template", has_text="KM Bintang Laut berakhir")
    await reminder.wait_for(timeout=TIMEOUT)
    assert await page.locator(".row-bot .template-buttons button").all_inner_texts() == [
        "Perpanjang"
    ]
    open_form = page.locator(".row-bot .flow-open", has_text="Isi formulir")
    await open_form.wait_for(timeout=TIMEOUT)
    await page.screenshot(path=str(screenshot_path("simulator-renewal-0-reminder")))
    await open_form.click()

    flow = page.locator(".flow")
    await flow.locator('.flow-screen[data-screen="DATA"]').wait_for(timeout=TIMEOUT)
    assert await flow.locator(".flow-title").inner_text() == "Perpanjangan SIPI (1/2)"
    assert await page.input_value('input[name="nama_kapal"]') == "KM Bintang Laut"
    assert await page.input_value('input[name="nik"]') == "7307011203850002"
    await page.screenshot(path=str(screenshot_path("simulator-renewal-1-form")))
