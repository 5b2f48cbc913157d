"""The simulated phones keep their chats: across a reload and a server restart (a new app on the
same database and var dir), and side by side, one resident per tab, each with their own name."""

from __future__ import annotations

import pytest

from tests.support.browser import _free_port, browser_context, screenshot_path, serve
from tests.support.phone import SimPhone, jpeg
from tests.support.photos import photo_jpeg

pytestmark = pytest.mark.browser

SITI, BUDI = "6281299990201", "6281299990202"


async def _chat(page) -> list[tuple[str, str]]:
    """The chat as shown: who said it and what, in order."""
    rows = page.locator("#chat .row:not(.pending) .msg")
    return [
        ("me" if "me" in c else "bot", t.strip())
        for c, t in zip(
            await rows.evaluate_all("bubbles => bubbles.map(b => b.className)"),
            await rows.locator(".content").all_inner_texts(),
            strict=True,
        )
    ]


async def _photo_width(page) -> int:
    photo = page.locator(".msg.me img.photo").first
    await photo.evaluate("img => img.decode()")
    return int(await photo.evaluate("img => img.naturalWidth"))


async def test_the_chat_survives_a_reload_and_a_server_restart(
    chromium_path: str, settings, sessionmaker
) -> None:
    port = _free_port()
    async with browser_context(chromium_path) as (context, errors):
        page = await context.new_page()
        with serve(settings, port) as base:
            phone = SimPhone(page, base, SITI)
            await phone.open("Siti Aminah")
            await phone.said("Halo, Siti Aminah", after=await phone.type("halo"))
            await phone.attach("photo", [jpeg("kk.jpg", photo_jpeg(5))], caption="KK")
            # Replies come in order: once "status" is answered, the photo's answers are in.
            await phone.said("Belum ada permohonan", after=await phone.type("status"))
            before = await _chat(page)
            await page.reload()
            await phone.said("Belum ada permohonan")
            assert await _chat(page) == before
            assert await _photo_width(page) == 800

        # Loket is down; the open page keeps trying. A new app instance comes up on the same
        # database and var dir, and the same page goes on without a reload.
        with serve(settings, port) as base:
            await phone.said("Belum ada permohonan", after=await phone.type("status"))
            await page.wait_for_function(
                """() => [...document.querySelectorAll(".msg.bot")]
                    .filter((b) => b.innerText.includes("Belum ada permohonan")).length === 2"""
            )
            now = await _chat(page)
            assert now[: len(before)] == before
            await page.reload()
            await page.wait_for_function(
                "n => document.querySelectorAll('.msg').length >= n", arg=len(now)
            )
            assert await _chat(page) == now
            assert await _photo_width(page) == 800  # the media store outlived the restart
            await page.screenshot(path=screenshot_path("simulator-after-restart"))
            await page.close()
        assert errors == []


async def test_two_residents_side_by_side(page, live_server: str) -> None:
    """Two tabs, two numbers, two chats; the name follows the number; "Warga baru" starts fresh."""
    siti = SimPhone(page, live_server, SITI)
    await siti.open("Siti Aminah")
    budi = SimPhone(await page.context.new_page(), live_server, BUDI)
    await budi.open("Budi Santoso")

    await siti.said("Halo, Siti Aminah", after=await siti.type("halo"))
    await budi.said("Halo, Budi Santoso", after=await budi.type("selamat pagi"))
    assert await siti.mine() == ["halo"]
    assert await budi.mine() == ["selamat pagi"]
    await budi.page.screenshot(path=screenshot_path("simulator-second-resident"))

    # Siti's tab picks Budi's number: his chat and his name come with it.
    await page.fill("#wa_id", BUDI)
    await page.dispatch_event("#wa_id", "change")
    await page.locator(".msg.me .content", has_text="selamat pagi").wait_for(timeout=15_000)
    assert await page.input_value("#name") == "Budi Santoso"
    assert await siti.mine() == ["selamat pagi"]
    # The list of known numbers is fetched beside the chat: wait for it to hold both.
    await page.wait_for_function(
        "() => document.querySelectorAll('#known-residents option').length === 2"
    )
    options = await page.locator("#known-residents option").evaluate_all(
        "os => os.map(o => [o.value, o.label])"
    )
    assert sorted(options) == [[SITI, "Siti Aminah"], [BUDI, "Budi Santoso"]]

    # And back: Siti's own chat and name.
    await page.fill("#wa_id", SITI)
    await page.dispatch_event("#wa_id", "change")
    await page.locator(".msg.me .content", has_text="halo").wait_for(timeout=15_000)
    assert await page.input_value("#name") == "Siti Aminah"

    await page.click("#new-resident")
    fresh = await page.input_value("#wa_id")
    assert fresh not in (SITI, BUDI) and fresh.startswith("62812") and len(fresh) == 13
    assert await page.input_value("#name") == f"Warga {fresh[-4:]}"
    assert await page.locator("#chat .msg").count() == 0
    assert f"wa={fresh}" in page.url
