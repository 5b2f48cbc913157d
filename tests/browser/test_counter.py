"""Counter intake in real headless Chromium: a district operator takes down a KTP-el request."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.requests.models import Request, RequestDocument
from tests.support.browser import screenshot_path
from tests.support.counter import (
    PHONE_TYPED,
    STORED_KTP_BARU,
    WA_ID,
    blank_jpeg,
    ktp_baru_answers,
    photo,
)
from tests.support.factories import PASSWORD, build_world

pytestmark = pytest.mark.browser


async def test_a_district_operator_fills_the_ktp_form_with_two_photos(
    page, live_server: str, sessionmaker: async_sessionmaker[AsyncSession], tmp_path
) -> None:
    await build_world(sessionmaker)
    photos = []
    for seed in (1, 2):
        path = tmp_path / f"kk-{seed}.jpg"
        path.write_bytes(photo(seed))
        photos.append(str(path))
    blank = tmp_path / "kk-blank.jpg"
    blank.write_bytes(blank_jpeg())

    await page.goto(f"{live_server}/dashboard/login")
    await page.fill("#username", "kec_a")
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator("#nav-counter").click()
    await page.locator("#counter-start").wait_for(timeout=10_000)
    await page.select_option("#counter-service", "ktp:baru")
    await page.fill("#counter-phone", PHONE_TYPED)
    await page.click("#counter-next")

    await page.locator("#counter-form").wait_for(timeout=10_000)
    assert WA_ID in await page.locator("#counter-applicant").inner_text()
    for key, value in ktp_baru_answers().items():
        name = f"#field_{key}"
        if key in ("jenis_kelamin", "status_kawin"):
            await page.select_option(name, value)
        else:
            await page.fill(name, value)
    # First with a blank photo: refused next to its input, every answer still there.
    await page.set_input_files("#doc_kk", [str(blank), photos[0]])
    await page.click("#counter-submit")
    await page.locator("#error-doc_kk").wait_for(timeout=20_000)
    assert await page.locator("#error-doc_kk").get_attribute("data-error") == "doc_blurred"
    assert await page.locator("#field_alamat").input_value() == ktp_baru_answers()["alamat"]
    assert await page.locator("#field_status_kawin").input_value() == "belum_kawin"
    await page.screenshot(path=screenshot_path("counter-error"), full_page=True)

    await page.set_input_files("#doc_kk", photos)
    await page.screenshot(path=screenshot_path("counter-form"), full_page=True)
    await page.click("#counter-submit")

    await page.locator("#ticket").wait_for(timeout=20_000)
    ticket = await page.locator("#ticket").inner_text()
    assert page.url.endswith(f"/dashboard/requests/{ticket}?done=counter")
    assert await page.locator('dd[data-field="tanggal_lahir"]').inner_text() == "5 Agustus 1990"
    shown = page.locator("img.doc-image")
    assert await shown.count() == 2
    await shown.first.evaluate("img => img.decode()")
    await page.screenshot(path=screenshot_path("counter"), full_page=True)

    async with sessionmaker() as session:
        request = (await session.execute(select(Request))).scalar_one()
        attached = (await session.execute(select(RequestDocument))).scalars().all()
    assert (request.ticket, request.channel, request.status, request.fields) == (
        ticket,
        "counter",
        "submitted",
        STORED_KTP_BARU,
    )
    assert [a.requirement for a in attached] == ["kk", "kk"]
