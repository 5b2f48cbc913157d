"""Zero trips, in real Chromium (issue 15, "Done when"): a resident on a phone asks for a lost
KK from "halo", chooses to receive it in the chat, and the office (its admin) reviews it and
uploads the issued PDF, which Loket signs with the office's certificate. The PDF arrives in the
simulated chat; its arrival completes the request; the file the resident holds carries a valid
signature and matches the public verification page. No trip to any office."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from pydantic import SecretStr

from app.config import Settings
from app.signing import signature_status
from app.signing.validation import load_roots
from tests.support.browser import screenshot_path
from tests.support.files import pdf
from tests.support.issued import issued_rows
from tests.support.office_page import demo_password, move, sign_in
from tests.support.phone import SimPhone, jpeg, upload
from tests.support.photos import photo_jpeg
from tests.support.signing import PASSWORD, throwaway_certificate

pytestmark = pytest.mark.browser

WA_ID = "6281299990202"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The office signs with its own certificate: Loket stamps the QR code and signs (PAdES)."""
    bundle = tmp_path / "office.p12"
    bundle.write_bytes(throwaway_certificate().pkcs12)
    return settings.model_copy(
        update={
            "signing_pkcs12_path": bundle,
            "signing_pkcs12_password": SecretStr(PASSWORD),
            "issued_require_signature": True,
        }
    )


async def ask_for_a_lost_kk(phone: SimPhone) -> str:
    """From "halo" to the ticket, choosing the PDF in this chat; returns the ticket."""
    after = await phone.type("halo")
    await phone.said("Silakan pilih layanan yang Anda perlukan", after=after)
    after = await phone.pick("Kartu Keluarga (KK)")
    await phone.said("untuk keperluan apa?", after=after)
    after = await phone.pick("KK hilang")
    await phone.said("Silakan ketik NIK Anda", after=after)
    after = await phone.type("3201014508900003")
    await phone.said("Silakan ketik nama lengkap Anda", after=after)
    after = await phone.type("Siti Aminah")
    await phone.said("nomor KK", after=after)
    after = await phone.type("3201012208150007")
    await phone.said("Surat kehilangan dari polisi", after=after)
    letter = upload("surat-kehilangan.pdf", pdf(1), "application/pdf")
    after = await phone.attach("document", [letter])
    await phone.said("Silakan kirim foto KTP-el", after=after)
    # A person takes a moment to pick the next photo; two seconds after the letter it answers
    # the new question and is no album (app/conversations/albums.py).
    await phone.page.wait_for_timeout(2_000)
    after = await phone.attach("photo", [jpeg("ktp.jpg", photo_jpeg(3))])
    summary = await phone.said("pilih cara menerima hasilnya", after=after)
    assert "kirim lewat WhatsApp (PDF bertanda tangan elektronik)" in summary
    await phone.page.screenshot(path=screenshot_path("zero-trips-summary-phone"))
    after = await phone.pick("Ya, kirim lewat WA")
    confirmation = await phone.said("Nomor permohonan:", after=after)
    found = re.search(r"Nomor permohonan: (KK-\d{6}-\d{4})", confirmation)
    assert found is not None, confirmation
    return found.group(1)


async def test_a_lost_kk_reaches_the_resident_signed_in_the_chat(
    page, live_server: str, settings: Settings, sessionmaker
) -> None:
    password = await demo_password(settings, sessionmaker, "admin")
    await page.set_viewport_size(PHONE)
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Siti Aminah")
    ticket = await ask_for_a_lost_kk(phone)

    office = await page.context.new_page()
    await office.set_viewport_size(DESKTOP)
    await sign_in(office, live_server, "admin", password)
    await office.goto(f"{live_server}/dashboard/requests/{ticket}")
    assert await office.locator("#delivery-way").inner_text() == "Dikirim lewat WhatsApp (PDF)"
    await move(office, "in_review")
    await move(office, "processing")
    assert await office.locator("#digital-hint").is_visible()
    issued_pdf = Path(settings.var_dir) / "kk-terbit.pdf"
    issued_pdf.parent.mkdir(parents=True, exist_ok=True)
    issued_pdf.write_bytes(pdf(2))
    after = await phone.bot_count()
    await office.set_input_files("#issued-file", str(issued_pdf))
    await office.click("#issued-submit")
    await office.locator("#issued-code").wait_for(timeout=20_000)
    [row] = await issued_rows(sessionmaker)
    assert row.signed_by == "loket"

    caption = await phone.said("sudah terbit", after=after)
    assert f"Kode verifikasi: {row.code}." in caption
    card = page.locator(".msg.bot a.doc-card").last
    assert await card.inner_text() == f"{ticket}.pdf"
    await page.screenshot(path=screenshot_path("zero-trips-pdf-in-chat-phone"))

    # The phone showed the file: WhatsApp's "delivered" completes the request, live.
    await office.wait_for_function(
        "() => document.querySelector('#status').innerText === 'Selesai'", timeout=20_000
    )
    steps = await office.locator("#history li").evaluate_all(
        "items => items.map(item => item.dataset.to).filter(Boolean)"
    )
    assert steps[-2:] == ["processing", "completed"]
    await office.screenshot(path=screenshot_path("zero-trips-dashboard-completed"), full_page=True)
    # The figures page counts it among the requests completed with no trip to an office.
    await office.goto(f"{live_server}/dashboard/figures")
    kk_row = office.locator('#fig-trips-service tr[data-key="kk"] td')
    cells = await kk_row.all_inner_texts()
    assert cells[0] == "1" and cells[1].startswith("100"), cells
    await office.locator("#figures-trips").screenshot(path=screenshot_path("zero-trips-figures"))

    # What the resident holds: the signed file, byte for byte the one the office issued.
    held = await (await page.request.get(await card.evaluate("a => a.href"))).body()
    assert hashlib.sha256(held).hexdigest() == row.sha256
    roots_pem = Path(settings.var_dir) / "office.pem"
    roots_pem.write_bytes(throwaway_certificate().pem)
    roots = load_roots(roots_pem)
    assert (await signature_status(held, roots)).valid
    held_path = Path(settings.var_dir) / "dipegang-warga.pdf"
    held_path.write_bytes(held)
    await page.goto(f"{live_server}/v/{row.code}")
    assert await page.locator("#service").inner_text() == "Kartu Keluarga (KK)"
    await page.set_input_files("#file", str(held_path))
    result = page.locator("#check-result.match")
    await result.wait_for(timeout=10_000)
    await page.screenshot(path=screenshot_path("zero-trips-verified-phone"), full_page=True)
