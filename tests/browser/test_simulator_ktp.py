"""A newcomer's walk in real Chromium: a resident asks for a KTP-el in the simulator, sends two
photos of the family card and gets a ticket; a district operator takes it to "completed" with the
pickup code the resident received on the simulated phone. README's "Try it" walks the same way."""

from __future__ import annotations

import re

import pytest

from app.config import Settings
from tests.support.browser import screenshot_path
from tests.support.office_page import demo_password, move, sign_in
from tests.support.phone import SimPhone, jpeg
from tests.support.photos import photo_jpeg

pytestmark = pytest.mark.browser

WA_ID = "6281299990101"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


async def ask_for_a_ktp(phone: SimPhone) -> None:
    """From "halo" to the request for the family card photos."""
    after = await phone.type("halo")
    await phone.said("Silakan pilih layanan yang Anda perlukan", after=after)
    after = await phone.pick("KTP-el")
    await phone.said("Permohonan KTP-el untuk keperluan apa?", after=after)
    after = await phone.pick("KTP-el baru")
    await phone.said("Silakan ketik NIK Anda", after=after)
    # The NIK gives the birth date and sex (day + 40 for a woman): shown, not asked.
    after = await phone.type("3201014508900003")
    shown = await phone.said("Silakan ketik nama lengkap Anda", after=after)
    assert "Dari NIK: tanggal lahir 5 Agustus 1990, jenis kelamin perempuan" in shown
    after = await phone.type("Siti Aminah")
    await phone.said("Silakan ketik nomor KK Anda", after=after)
    await phone.said("Status perkawinan Anda?", after=await phone.type("3201012208150007"))
    await phone.said("Silakan ketik alamat Anda", after=await phone.pick("Belum kawin"))
    after = await phone.type("Dusun Mawar RT 02/RW 01, Desa Sukamaju")
    await phone.said("Silakan kirim foto Kartu Keluarga.", after=after)


async def test_a_newcomer_asks_for_a_ktp_and_the_office_completes_it(
    page, live_server: str, settings: Settings, sessionmaker
) -> None:
    password = await demo_password(settings, sessionmaker, "kecamatan")
    await page.set_viewport_size(PHONE)
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Siti Aminah")
    await ask_for_a_ktp(phone)

    photos = [jpeg("kk-depan.jpg", photo_jpeg(1)), jpeg("kk-belakang.jpg", photo_jpeg(2))]
    after = await phone.attach("photo", photos, caption="KK depan dan belakang")
    await phone.said("Kami terima 2 foto untuk Kartu Keluarga. ✅", after=after)
    summary = await phone.said("Sudah benar?", after=after)
    assert "• Alamat: Dusun Mawar RT 02/RW 01, Desa Sukamaju" in summary
    assert "Kartu Keluarga: 2 foto ✅" in summary
    # The resident sees their own two photos, served back from the sandbox media store.
    shown = page.locator(".msg.me img.photo")
    assert await shown.count() == 2
    for index in range(2):
        await shown.nth(index).evaluate("img => img.decode()")
        assert await shown.nth(index).evaluate("img => img.naturalWidth") == 800
    assert (await page.locator(".msg.me .caption").all_inner_texts()) == ["KK depan dan belakang"]
    await page.screenshot(path=screenshot_path("simulator-ktp-photos-phone"))

    after = await phone.tap("Ya, ambil di kantor")
    confirmation = await phone.said("Nomor permohonan:", after=after)
    found = re.search(r"Nomor permohonan: (KTP-\d{6}-\d{4})", confirmation)
    assert found is not None, confirmation
    ticket = found.group(1)
    await page.screenshot(path=screenshot_path("simulator-ktp-ticket-phone"))

    # The district office: the request, its two photos, and the moves to "ready for pickup".
    office = await page.context.new_page()
    await office.set_viewport_size(DESKTOP)
    await sign_in(office, live_server, "kecamatan", password)
    await office.goto(f"{live_server}/dashboard/requests/{ticket}")
    assert await office.locator("#ticket").inner_text() == ticket
    images = office.locator("img.doc-image")
    assert await images.count() == 2
    await move(office, "in_review")
    await move(office, "processing")
    after = await phone.bot_count()
    await move(office, "ready_for_pickup")

    ready = await phone.said("Tunjukkan kode pengambilan", after=after)
    code = re.search(r"kode pengambilan (\S+) kepada petugas", ready)
    assert code is not None, ready
    assert f"Nomor permohonan: {ticket}." in ready

    await office.fill("#pickup-code", code.group(1))
    after = await phone.bot_count()
    await move(office, "completed")
    assert await office.locator("#status").inner_text() == "Selesai"
    steps = await office.locator("#history li").evaluate_all(
        "items => items.map(item => item.dataset.to)"
    )
    assert steps == ["submitted", "in_review", "processing", "ready_for_pickup", "completed"]
    await office.screenshot(path=screenshot_path("simulator-ktp-dashboard"), full_page=True)

    await phone.said(f"Permohonan {ticket} (KTP-el) selesai.", after=after)
    await page.screenshot(path=screenshot_path("simulator-ktp-completed-phone"))
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=screenshot_path("simulator-ktp-completed-desktop"))
