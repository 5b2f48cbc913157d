"""A request whose personal data retention redacted still opens: its page, its chat, the API."""

from __future__ import annotations

from datetime import timedelta

from app.conversations.redaction import REDACTED
from app.conversations.retention import redact_expired
from app.db import unit_of_work
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage, OutboxState
from tests.support.clients import Dashboard
from tests.support.factories import START, World, seed_requests

DONE = "KTP-261120-0005"  # Siti's request completed at START + 7 min (tests.api.factories)
OPEN = "KTP-261120-0001"  # Siti's request still submitted
NIK = "3201014508900003"


async def test_the_page_of_a_redacted_request_renders(dash: Dashboard, world: World) -> None:
    made = await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        resident_id = made[DONE].resident_id
        at = START + timedelta(minutes=5)  # while Siti filled in the completed request
        session.add(
            InboundEvent(
                dedup_key="m:wamid.retention.1",
                kind=KIND_MESSAGE,
                resident_id=resident_id,
                external_id="wamid.retention.1",
                payload={
                    "message": {"type": "text", "text": {"body": f"NIK saya {NIK}"}},
                    "contact": {"profile": {"name": "Siti Aminah"}},
                },
                occurred_at=at,
                received_at=at,
                processed_at=at,
            )
        )
        session.add(
            OutboundMessage(
                resident_id=resident_id,
                kind="text",
                body={"type": "text", "text": {"body": f"Permohonan {DONE} sudah selesai."}},
                state=OutboxState.SENT,
                created_at=START + timedelta(minutes=6),
                next_attempt_at=START,
            )
        )
    async with dash.sessionmaker() as session:
        report = await redact_expired(session, START + timedelta(days=100), 90)
    assert (report.requests, report.inbound, report.outbound) == (1, 1, 1)

    await dash.sign_in("root")
    page = await dash.client.get(f"/dashboard/requests/{DONE}")
    assert page.status_code == 200
    assert "data-redacted" in page.text and "masa simpannya berakhir" in page.text
    assert NIK not in page.text and 'data-field="nik"' not in page.text
    # The chat keeps the shape of the conversation and which request a message was about.
    assert REDACTED in page.text and f"{REDACTED} {DONE}" in page.text
    detail = await dash.client.get(f"/api/v1/requests/{DONE}", headers=world.auth("root"))
    assert detail.status_code == 200 and detail.json()["fields"] == {}

    # Siti's open request keeps its answers.
    open_page = await dash.client.get(f"/dashboard/requests/{OPEN}")
    assert open_page.status_code == 200
    assert f'<dd data-field="nik">{NIK}</dd>' in open_page.text
    assert "data-redacted" not in open_page.text
