"""Operators see until when a hand-off waits for an officer, and how hand-offs ended by the
resident or by the timer went, in words (issue 12)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy import select

from app.conversations.models import Conversation
from app.conversations.reminders import queue_timeouts
from app.db import unit_of_work
from app.residents.models import Resident
from app.workers.runner import WorkerSet
from tests.support.clients import Dashboard
from tests.support.factories import SITI, World, seed_requests

# Monday 23 November 2026, 14.00 WIB (the runtime's timezone is Asia/Jakarta).
UNTIL = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
WAITS_UNTIL = (
    "Menunggu petugas sampai Senin, 23 November 2026, 14.00; bila belum dijawab, percakapan "
    "kembali ke bot."
)
WAITS_OPEN = "Menunggu petugas sampai percakapan diakhiri (tanpa batas waktu)."
WAITING = "Warga ini sedang menunggu petugas di WhatsApp."
DEADLINE = re.compile(r'<dd class="deadline">([^<]*)</dd>')
NOTE = re.compile(r'<p class="notice handoff-wait" id="handoff-wait">(.*?)</p>', re.S)
ROW = re.compile(r'<tr class="audit-row"[^>]*>(.*?)</tr>', re.S)


async def say(dash: Dashboard, wa_id: str, text: str) -> None:
    """The resident types `text` on the simulated phone; the inbox worker runs the turn."""
    answer = await dash.client.post(
        "/simulator/api/messages", json={"wa_id": wa_id, "text": text, "name": "Siti Aminah"}
    )
    assert answer.status_code == 200, answer.text
    await WorkerSet(dash.runtime).inbound.run_once()


async def set_deadline(dash: Dashboard, until: datetime | None) -> Conversation:
    async with unit_of_work(dash.sessionmaker) as session:
        stmt = select(Conversation).join(Resident).where(Resident.wa_id == SITI[0])
        row = (await session.execute(stmt)).scalar_one()
        row.snapshot = {**row.snapshot, "handoff_until": until.isoformat() if until else None}
        return row


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_the_deadline_is_shown_on_the_handoff_and_request_pages(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    await say(dash, SITI[0], "operator")
    row = await set_deadline(dash, UNTIL)
    await dash.sign_in("desa_a1")

    page = await dash.client.get("/dashboard/handoffs")
    assert DEADLINE.findall(page.text) == [WAITS_UNTIL]
    request_page = await dash.client.get("/dashboard/requests/KTP-261120-0001")
    [note] = NOTE.findall(request_page.text)
    assert text_of(note) == f"{WAITING} {WAITS_UNTIL} Buka percakapan"
    assert f'href="/dashboard/handoffs#handoff-{row.id}"' in note

    # An officer answered (or hand-offs never time out): it waits until someone ends it.
    await set_deadline(dash, None)
    page = await dash.client.get("/dashboard/handoffs")
    assert DEADLINE.findall(page.text) == [WAITS_OPEN]
    request_page = await dash.client.get("/dashboard/requests/KTP-261120-0001")
    assert text_of(NOTE.findall(request_page.text)[0]) == f"{WAITING} {WAITS_OPEN} Buka percakapan"

    # The resident stops waiting: the request page no longer says so.
    await say(dash, SITI[0], "selesai")
    request_page = await dash.client.get("/dashboard/requests/KTP-261120-0001")
    assert NOTE.findall(request_page.text) == []


async def test_the_deadline_reads_in_english(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await say(dash, SITI[0], "operator")
    await set_deadline(dash, UNTIL)
    await dash.sign_in("desa_a1")
    page = await dash.client.get("/dashboard/handoffs", params={"lang": "en"})
    assert DEADLINE.findall(page.text) == [
        "Waiting for an officer until Monday, 23 November 2026, 14:00; if nobody answers by "
        "then, the conversation returns to the bot."
    ]


async def test_endings_by_the_resident_and_the_timer_read_in_words_in_the_audit_log(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    await say(dash, SITI[0], "operator")
    await say(dash, SITI[0], "selesai")
    await say(dash, SITI[0], "operator")
    # Nobody answers within the working hours: the deadline (row and snapshot) has passed.
    async with unit_of_work(dash.sessionmaker) as session:
        row = (await session.execute(select(Conversation))).scalar_one()
        row.snapshot = {**row.snapshot, "handoff_until": UNTIL.isoformat()}
        row.wait_expires_at = UNTIL
        resident_id, conversation_id = row.resident_id, row.id
    assert await queue_timeouts(dash.sessionmaker, UNTIL + timedelta(seconds=1)) == 1
    await WorkerSet(dash.runtime).inbound.run_once()

    await dash.sign_in("kab")
    page = await dash.client.get("/dashboard/audit", params={"tab": "actions"})
    rows = [text_of(found) for found in ROW.findall(page.text)]
    ended = [r for r in rows if "Warga berhenti menunggu petugas" in r]
    timed_out = [r for r in rows if "Tidak dijawab petugas, kembali ke bot" in r]
    assert len(ended) == 1 and len(timed_out) == 1
    assert f"warga Warga berhenti menunggu petugas conversation:{conversation_id} KAB" in ended[0]
    assert f"Warga: #{resident_id}" in ended[0]
    assert "Alasan: Warga meminta bicara dengan petugas" in ended[0]
    assert (
        f"sistem Tidak dijawab petugas, kembali ke bot conversation:{conversation_id} KAB"
        in (timed_out[0])
    )
    assert "Batas waktu: 23 November 2026, 14.00" in timed_out[0]
