"""A day at the office in real Chromium: the village pre-checks and forwards a file, the
district takes it, closes a complaint and ends a hand-off, and the admin reads the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.conversations.models import Conversation
from app.db import unit_of_work, utcnow
from app.feedback.models import Complaint
from tests.support.browser import screenshot_path
from tests.support.factories import PASSWORD, add_request, add_resident, build_world, ktp_fields

pytestmark = pytest.mark.browser

TICKET = "KK-261122-0007"


async def _seed(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """A KK request handled by KEC-A and pre-checked by DESA-A1, a complaint, a hand-off."""
    world = await build_world(sessionmaker)
    async with unit_of_work(sessionmaker) as session:
        rina = await add_resident(session, "6289900000077", "Rina Kartika")
        request = await add_request(
            session,
            ticket=TICKET,
            resident=rina,
            office_id=world.offices["KEC-A"],
            service="kk",
            variant=None,
            fields=ktp_fields("3201016607950004", "Rina Kartika"),
        )
        request.precheck_office_id = world.offices["DESA-A1"]
        session.add(Complaint(resident_id=rina.id, ticket=TICKET, text="Lama sekali prosesnya"))
        session.add(
            Conversation(
                resident_id=rina.id,
                snapshot={"handoff": True},
                status="handoff",
                handoff_at=utcnow() - timedelta(hours=1),
                handoff_reason="resident_request",
            )
        )


async def _sign_in(page, live_server: str, username: str) -> None:
    await page.goto(f"{live_server}/dashboard/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("#login-form button[type=submit]")
    await page.locator("#nav-queue").wait_for(timeout=10_000)


async def test_precheck_forwarding_complaints_handoffs_and_audit(
    page, live_server: str, sessionmaker
) -> None:
    await _seed(sessionmaker)

    # The village: its queue shows what to pre-check; it checks, notes a problem, forwards.
    await _sign_in(page, live_server, "desa_a1")
    await page.goto(f"{live_server}/dashboard/?precheck=1")
    await page.locator(f'tr[data-ticket="{TICKET}"] a.ticket').click()
    await page.locator("#precheck-form").wait_for(timeout=10_000)
    assert await page.locator("#precheck-only").count() == 1
    items = page.locator("#precheck-form fieldset.precheck-item")
    keys = await items.evaluate_all("sets => sets.map(s => s.dataset.item)")
    assert keys == ["fields"]  # no documents attached: the answers are what is checked
    await page.check('input[name="result:fields"][value="problem"]')
    await page.fill('input[name="note:fields"]', "Nama ibu berbeda dengan KK")
    await page.click("#precheck-save")
    await page.locator("#precheck-result").wait_for(timeout=10_000)
    await page.click("#precheck-forward-button")
    await page.locator("#precheck-forwarded").wait_for(timeout=10_000)
    await page.screenshot(path=screenshot_path("office-precheck"), full_page=True)
    await page.click("#logout")

    # The district: it sees what was checked, takes the request and notes on it.
    await _sign_in(page, live_server, "kec_a")
    await page.goto(f"{live_server}/dashboard/requests/{TICKET}")
    problem = page.locator('#precheck-result li[data-item="fields"]')
    assert await problem.get_attribute("data-result") == "problem"
    assert "Nama ibu berbeda dengan KK" in await problem.inner_text()
    await page.click("#take-it")
    await page.locator("#assignee", has_text="kec_a").wait_for(timeout=10_000)
    await page.fill("#note-form textarea", "Minta KK asli saat pengambilan")
    await page.click("#note-form button[type=submit]")
    await page.locator("#history li.note").wait_for(timeout=10_000)
    await page.goto(f"{live_server}/dashboard/?mine=1")
    await page.locator(f'tr[data-ticket="{TICKET}"]').wait_for(timeout=10_000)

    # The complaint about it, closed with a resolution.
    await page.click("#nav-complaints")
    complaint = page.locator("li.complaint").first
    await complaint.locator("textarea").fill(
        "Berkas sudah diproses, mohon maaf atas keterlambatan."
    )
    await complaint.locator("button[type=submit]").click()
    await page.locator(".notice").wait_for(timeout=10_000)
    assert await page.locator("li.complaint").count() == 0

    # The resident waiting for an officer: the hand-off is ended so the bot resumes.
    await page.click("#nav-handoffs")
    handoff = page.locator("li.handoff").first
    await handoff.locator("form.support-end button[type=submit]").click()
    await page.locator(".notice").wait_for(timeout=10_000)
    await page.screenshot(path=screenshot_path("office-handoffs"), full_page=True)
    await page.click("#logout")

    # The admin reads what happened.
    await _sign_in(page, live_server, "root")
    await page.click("#nav-audit")
    await page.locator("#audit-actions").wait_for(timeout=10_000)
    actions = await page.locator("#audit-actions tbody tr td:nth-child(3)").all_inner_texts()
    assert [" ".join(a.split()) for a in actions] == [
        "Masuk",
        "Keluar",
        "Percakapan petugas diakhiri",
        "Pengaduan ditutup",
        "Penugasan",
        "Masuk",
        "Keluar",
        "Diteruskan",
        "Masuk",
    ]
    table = await page.locator("#audit-actions").inner_text()
    # Operators by display name (the test world names them by username), details in words.
    assert TICKET in table and "\nkec_a\n" in table and "\ndesa_a1\n" in table
    assert "operator:" not in table and "Desa pra-periksa: Kantor DESA-A1" in table
    await page.screenshot(path=screenshot_path("office-audit"), full_page=True)
