"""The simulator page in real headless Chromium: a resident's first messages in sandbox mode."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot_path

pytestmark = pytest.mark.browser

WA_ID = "6281299990001"


async def _open(page, live_server: str) -> None:
    await page.goto(f"{live_server}/simulator")
    await page.fill("#wa_id", WA_ID)
    await page.dispatch_event("#wa_id", "change")


async def test_greeting_shows_the_menu_and_a_tap_answers(page, live_server: str) -> None:
    """Typing "halo" gets the greeting with the service list; tapping a service starts it."""
    await _open(page, live_server)
    await page.fill("#text", "halo")
    await page.press("#text", "Enter")

    menu = page.locator(".msg.bot .choices").first
    await menu.wait_for(timeout=15_000)
    options = await menu.locator("button").all_inner_texts()
    assert any(o.startswith("KTP-el") for o in options), options
    # The resident's bubble turns blue-ticked once Loket marks it read.
    await page.locator(".msg.me .ticks.read").first.wait_for(timeout=15_000)
    await page.screenshot(path=screenshot_path("simulator-menu"), full_page=True)

    bubbles_before = await page.locator(".msg.bot").count()
    await menu.locator("button", has_text=re.compile(r"^KTP-el")).first.click()
    await page.locator(".msg.bot").nth(bubbles_before).wait_for(timeout=15_000)
    texts = await page.locator(".msg.bot").all_inner_texts()
    assert any("KTP-el" in t for t in texts[bubbles_before:]), texts[bubbles_before:]
    await page.screenshot(path=screenshot_path("simulator-service-started"), full_page=True)


async def test_an_invalid_number_is_refused_with_a_message(page, live_server: str) -> None:
    """The page explains a refused send instead of failing silently."""
    await page.goto(f"{live_server}/simulator")
    await page.fill("#wa_id", "12")
    await page.fill("#text", "halo")
    await page.press("#text", "Enter")
    error = page.locator("#error")
    await error.wait_for(timeout=10_000)
    await page.wait_for_function("document.getElementById('error').textContent.length > 0")
    assert "Periksa nomor" in await error.inner_text()
