"""Issuing a document in real headless Chromium: an operator uploads the issued PDF on the request
page; a resident on a phone opens the verification page and checks the file they hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.browser import screenshot_path
from tests.support.factories import PASSWORD, build_world, seed_requests
from tests.support.files import pdf
from tests.support.issued import TICKET, issued_rows, sha256

pytestmark = pytest.mark.browser


async def test_an_operator_issues_the_pdf_and_a_phone_verifies_it(
    page, live_server: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    world = await build_world(sessionmaker)
    await seed_requests(sessionmaker, world)
    issued_pdf = tmp_path / "ktp-terbit.pdf"
    issued_pdf.write_bytes(pdf(2))
    scripted = tmp_path / "berbahaya.pdf"
    scripted.write_bytes(pdf(1, javascript="app.alert(1)"))
    tampered = tmp_path / "ktp-diubah.pdf"
    tampered.write_bytes(pdf(2).replace(b"/MediaBox", b"/MediaBox ", 1))

    await page.goto(f"{live_server}/dashboard/login")
    await page.fill("#username", "desa_a1")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.goto(f"{live_server}/dashboard/requests/{TICKET}")

    await page.set_input_files("#issued-file", str(scripted))
    await page.click("#issued-submit")
    error = page.locator('#form-error[data-for="issued-form"]')
    await error.wait_for(timeout=20_000)
    assert await error.inner_text() == "PDF ini berisi JavaScript dan tidak bisa diterima."
    await page.locator("#issued").screenshot(path=screenshot_path("issued-refused"))

    await page.set_input_files("#issued-file", str(issued_pdf))
    await page.click("#issued-submit")
    await page.locator("#issued-code").wait_for(timeout=20_000)
    [row] = await issued_rows(sessionmaker)
    assert await page.locator("#issued-code").inner_text() == row.code
    assert row.sha256 == sha256(issued_pdf.read_bytes())
    await page.locator("#issued").scroll_into_view_if_needed()
    await page.screenshot(path=screenshot_path("issued-request-page"), full_page=True)

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"{live_server}/v/{row.code}")
    assert await page.locator("#holder").inner_text() == "S*** A*****"
    assert await page.locator("#service").inner_text() == "KTP-el"
    await page.set_input_files("#file", str(issued_pdf))
    result = page.locator("#check-result.match")
    await result.wait_for(timeout=10_000)
    assert await result.inner_text() == (
        "Cocok: berkas ini sama persis dengan dokumen yang diterbitkan."
    )
    await page.screenshot(path=screenshot_path("verify-phone-match"), full_page=True)

    await page.set_input_files("#file", str(tampered))
    mismatch = page.locator("#check-result.mismatch")
    await mismatch.wait_for(timeout=10_000)
    assert (await mismatch.inner_text()).startswith("Tidak cocok")
    await page.screenshot(path=screenshot_path("verify-phone-mismatch"), full_page=True)

    await page.click("#other-lang")
    await page.locator("html[lang=en]").wait_for(timeout=10_000)
    assert await page.locator("#service").inner_text() == "ID card (KTP-el)"

    await page.goto(f"{live_server}/v/ABCDEFGHJK")
    assert await page.locator("#not-found").inner_text() == "Dokumen tidak ditemukan"
    await page.screenshot(path=screenshot_path("verify-phone-not-found"), full_page=True)
