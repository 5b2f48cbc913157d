"""A KTP-el form whose NIK screen calls the data endpoint, in real Chromium on a phone-sized screen.

With WHATSAPP_FLOWS_PRIVATE_KEY set the form is the endpoint Flow: the NIK screen's button does
`data_exchange`, and the simulator calls the real endpoint encrypted as WhatsApp does. A NIK
with an unknown province is refused inside the form (under the input and in the snackbar); a
good one moves to NIK_CHECK, which shows the birth date and sex the NIK encodes, read-only.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.config import Settings
from app.db import utcnow
from app.flow_endpoint_keys import generate_key_pair
from app.flows.catalog import shipped_catalog
from app.flows.forms import prefill_data
from app.residents.models import Resident
from app.whatsapp_flows.flow_tokens import new_flow_token
from tests.support.browser import screenshot_path
from tests.support.flow_messages import flow_message, send_flow

pytestmark = pytest.mark.browser

WA_ID = "6281299990303"
PHONE = {"width": 390, "height": 844}
TIMEOUT = 20_000


@pytest.fixture(scope="module")
def key_pem() -> str:
    return generate_key_pair().private_pem


@pytest.fixture
def settings(settings: Settings, key_pem: str) -> Iterator[Settings]:
    """The sandbox with the data endpoint configured, for an office in regency 3201."""
    update = {"whatsapp_flows_private_key": SecretStr(key_pem), "office_region": "3201"}
    yield settings.model_copy(update=update)


async def _shot(page, name: str) -> None:
    await page.screenshot(path=str(screenshot_path(name)))


async def test_the_nik_is_checked_inside_the_form_by_the_endpoint(
    page, live_server: str, sessionmaker, settings: Settings
) -> None:
    from tests.support.phone import SimPhone

    await page.set_viewport_size(PHONE)
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Siti Aminah")
    await phone.said("Silakan pilih layanan", after=await phone.type("halo"))
    async with sessionmaker() as session:
        resident = (await session.scalars(select(Resident).where(Resident.wa_id == WA_ID))).one()
    token = new_flow_token(
        settings, resident_id=resident.id, service="ktp", language="id", now=utcnow()
    )
    data = prefill_data(shipped_catalog().get("ktp"), variant="hilang")
    await send_flow(
        sessionmaker, WA_ID, flow_message("ktp", token=token, screen="VARIANT", data=data)
    )
    open_form = page.locator(".row-bot .flow-open", has_text="Isi formulir")
    await open_form.wait_for(timeout=TIMEOUT)
    await open_form.click()

    flow = page.locator(".flow")
    await flow.locator('.flow-screen[data-screen="VARIANT"]').wait_for(timeout=TIMEOUT)
    await page.click("#flow-footer")
    await flow.locator('.flow-screen[data-screen="DATA"]').wait_for(timeout=TIMEOUT)
    assert await flow.locator('.flow-field[data-name="tanggal_lahir"]').count() == 0
    assert await flow.locator('.flow-field[data-name="jenis_kelamin"]').count() == 0
    await page.fill('input[name="nik"]', "9901014508900003")  # 99: no such province
    await page.fill('input[name="nama"]', "Siti Aminah")
    await page.fill('input[name="no_kk"]', "3201012208150007")
    await page.fill('textarea[name="alamat"]', "Dusun Mawar RT 02/RW 01, Desa Sukamaju")
    await page.click("#flow-footer")

    nik_error = flow.locator('.flow-field[data-name="nik"] .flow-invalid')
    await nik_error.filter(has_text="Kode provinsi").wait_for(timeout=TIMEOUT)
    assert await nik_error.inner_text() == "Kode provinsi tidak dikenal"
    assert await flow.locator(".flow-error").inner_text() == (
        "Mohon periksa lagi isian berikut:\nNIK: Dua angka pertama NIK (99) bukan kode "
        "provinsi. Coba periksa lagi, ya."
    )
    assert await flow.locator(".flow-screen").get_attribute("data-screen") == "DATA"
    await _shot(page, "simulator-flow-endpoint-1-nik-refused")

    await page.fill('input[name="nik"]', "3201014508900003")
    await page.click("#flow-footer")
    check = flow.locator('.flow-screen[data-screen="NIK_CHECK"]')
    await check.wait_for(timeout=TIMEOUT)
    assert await flow.locator(".flow-title").inner_text() == "Data dari NIK"
    assert await check.inner_text() == (
        "Dari NIK Anda kami baca:\n\nTanggal lahir\n\n5 Agustus 1990\n\nJenis kelamin\n\n"
        "Perempuan\n\nBila ada yang keliru, tekan ← di atas dan periksa lagi NIK Anda."
    )
    assert await check.locator("input, textarea").count() == 0  # shown, not asked
    await _shot(page, "simulator-flow-endpoint-2-from-nik")
    await page.click("#flow-footer")
    await flow.locator('.flow-screen[data-screen="DOC_KK"]').wait_for(timeout=TIMEOUT)
