"""The hand-off page: the whole path through the bot, who sees what, replies and ending."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.conversations.models import Conversation
from app.db import unit_of_work, utcnow
from app.inbox.models import InboundEvent
from app.outbox.models import OutboundMessage
from app.requests.models import RequestEvent
from app.residents.models import Resident
from app.workers.runner import WorkerSet
from tests.support.clients import Dashboard, csrf_of
from tests.support.factories import BUDI, SITI, World, add_resident, seed_requests

ENDED = "Petugas sudah selesai membantu. Ketik *menu* bila ada yang lain."
HANDED_OFF = (
    "Baik, kami hubungkan Anda dengan petugas. Mohon tunggu, petugas akan membalas di sini."
)
TONO = ("6289900000009", "Tono Sugiarto")
LISTED = re.compile(r'id="handoff-(\d+)"')
SITI_TICKET, WATI_TICKET = "KTP-261120-0001", "KTP-261120-0003"


async def say(dash: Dashboard, wa_id: str, text: str) -> None:
    """The resident types `text` on the simulated phone; the inbox worker runs the turn."""
    answer = await dash.client.post(
        "/simulator/api/messages", json={"wa_id": wa_id, "text": text, "name": "Siti Aminah"}
    )
    assert answer.status_code == 200, answer.text
    await WorkerSet(dash.runtime).inbound.run_once()


async def texts_to(dash: Dashboard, wa_id: str) -> list[str]:
    async with dash.sessionmaker() as session:
        stmt = (
            select(OutboundMessage.body)
            .join(Resident, Resident.id == OutboundMessage.resident_id)
            .where(Resident.wa_id == wa_id)
            .order_by(OutboundMessage.id)
        )
        bodies = (await session.execute(stmt)).scalars()
        return [b["text"]["body"] for b in bodies if b.get("type") == "text"]


async def conversation_of(dash: Dashboard, wa_id: str) -> Conversation:
    async with dash.sessionmaker() as session:
        stmt = select(Conversation).join(Resident).where(Resident.wa_id == wa_id)
        return (await session.execute(stmt)).scalar_one()


async def listed(dash: Dashboard) -> list[int]:
    page = await dash.client.get("/dashboard/handoffs")
    assert page.status_code == 200
    return [int(found) for found in LISTED.findall(page.text)]


async def test_operator_ends_a_handoff_and_the_bot_answers_again(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    await say(dash, SITI[0], "operator")
    assert await texts_to(dash, SITI[0]) == [HANDED_OFF]
    conversation = await conversation_of(dash, SITI[0])

    token = await dash.sign_in("desa_a1")
    page = await dash.client.get("/dashboard/handoffs")
    assert LISTED.findall(page.text) == [str(conversation.id)]
    assert "Siti Aminah" in page.text and SITI[0] in page.text
    assert "Warga meminta bicara dengan petugas" in page.text
    assert 'href="/dashboard/requests/KTP-261120-0001"' in page.text  # its latest in DESA-A1
    assert "<p>operator</p>" in page.text and f"<p>{HANDED_OFF}</p>" in page.text

    url = f"/dashboard/handoffs/{conversation.id}/end"
    for _ in range(2):  # a double click is one event
        answer = await dash.client.post(url, data={"csrf_token": token})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/dashboard/handoffs?done=ended"
    async with dash.sessionmaker() as session:
        internal = await session.scalar(select(func.count()).where(InboundEvent.kind == "internal"))
        stmt = select(AuditEvent).where(AuditEvent.action == "handoff_ended")
        audit = (await session.execute(stmt)).scalars().all()
    assert internal == 1
    handed_at = conversation.handoff_at
    assert handed_at is not None
    assert [(a.actor, a.action, a.target, a.office_id, a.detail) for a in audit] == [
        (
            "operator:desa_a1",
            "handoff_ended",
            f"conversation:{conversation.id}",
            world.offices["DESA-A1"],
            {
                "resident_id": conversation.resident_id,
                "since": handed_at.isoformat(),
                "reason": "resident_request",
            },
        )
    ]

    await WorkerSet(dash.runtime).inbound.run_once()
    assert await texts_to(dash, SITI[0]) == [HANDED_OFF, ENDED]
    after = await conversation_of(dash, SITI[0])
    assert (after.status, after.handoff_at, after.handoff_reason) == ("idle", None, None)
    assert await listed(dash) == []
    late = await dash.client.post(url, data={"csrf_token": token})
    assert late.headers["location"] == "/dashboard/handoffs?done=over"

    async with dash.sessionmaker() as session:
        before = await session.scalar(select(func.count()).select_from(OutboundMessage))
    await say(dash, SITI[0], "menu")
    async with dash.sessionmaker() as session:
        stmt = select(OutboundMessage.body).order_by(OutboundMessage.id).offset(before)
        kinds = [
            body.get("type", body.get("status")) for body in (await session.execute(stmt)).scalars()
        ]
    assert kinds == ["read", "interactive"], kinds


async def _hand_off(dash: Dashboard, resident_id: int, hours_ago: int, reason: str) -> Conversation:
    async with unit_of_work(dash.sessionmaker) as session:
        row = Conversation(
            resident_id=resident_id,
            snapshot={"handoff": True},
            status="handoff",
            handoff_at=utcnow() - timedelta(hours=hours_ago),
            handoff_reason=reason,
        )
        session.add(row)
    return row


async def _scene(dash: Dashboard, world: World) -> dict[str, int]:
    """Siti and Wati handed off (Wati waiting longest), Tono with no request, Budi not."""
    made = await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        tono = await add_resident(session, *TONO, last_inbound_at=utcnow())
    siti = await _hand_off(dash, made[SITI_TICKET].resident_id, 2, "resident_request")
    wati = await _hand_off(dash, made[WATI_TICKET].resident_id, 5, "validation_failed")
    tono_row = await _hand_off(dash, tono.id, 1, "resident_request")
    ids = {"siti": siti.id, "wati": wati.id, "tono": tono_row.id}
    async with unit_of_work(dash.sessionmaker) as session:
        session.add(Conversation(resident_id=made["KTP-261120-0002"].resident_id, status="idle"))
    return ids


async def test_each_operator_sees_the_handoffs_of_their_residents_oldest_first(
    dash: Dashboard, world: World
) -> None:
    ids = await _scene(dash, world)
    seen = {}
    for username in ("root", "kab", "kec_a", "desa_a1", "desa_b1"):
        dash.client.cookies.clear()
        await dash.sign_in(username)
        seen[username] = await listed(dash)
    assert seen == {
        "root": [ids["wati"], ids["siti"], ids["tono"]],  # no request at all: admins only
        "kab": [ids["wati"], ids["siti"]],
        "kec_a": [ids["siti"]],
        "desa_a1": [ids["siti"]],
        "desa_b1": [ids["wati"]],
    }
    page = await dash.client.get("/dashboard/handoffs")  # still desa_b1
    assert "Warga berulang kali gagal menjawab pertanyaan" in page.text
    assert 'href="/dashboard/requests/KTP-261120-0003"' in page.text
    dash.client.cookies.clear()
    await dash.sign_in("kec_a")
    page = await dash.client.get("/dashboard/handoffs")
    assert 'href="/dashboard/requests/KK-261120-0001"' in page.text  # newest one it covers


async def test_handoffs_outside_the_scope_or_unknown_are_not_found(
    dash: Dashboard, world: World
) -> None:
    ids = await _scene(dash, world)
    token = await dash.sign_in("desa_b1")
    for path in (
        f"/dashboard/handoffs/{ids['siti']}/end",
        f"/dashboard/handoffs/{ids['tono']}/messages",
        "/dashboard/handoffs/999999/end",
        "/dashboard/handoffs/abc/end",
        f"/dashboard/handoffs/{2**64}/end",
    ):
        answer = await dash.client.post(path, data={"csrf_token": token, "text": "halo"})
        assert answer.status_code == 404, path
    missing_csrf = await dash.client.post(f"/dashboard/handoffs/{ids['wati']}/end")
    assert missing_csrf.status_code == 403
    async with dash.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(InboundEvent)) == 0
        ended = select(func.count()).where(AuditEvent.action == "handoff_ended")
        assert await session.scalar(ended) == 0


async def _outbox(dash: Dashboard) -> list[OutboundMessage]:
    async with dash.sessionmaker() as session:
        stmt = select(OutboundMessage).order_by(OutboundMessage.id)
        return list((await session.execute(stmt)).scalars())


async def test_a_reply_inside_the_window_is_sent_and_noted_on_the_request(
    dash: Dashboard, world: World
) -> None:
    ids = await _scene(dash, world)
    async with unit_of_work(dash.sessionmaker) as session:
        siti = (
            await session.execute(select(Resident).where(Resident.wa_id == SITI[0]))
        ).scalar_one()
        siti.last_inbound_at = utcnow() - timedelta(minutes=3)
    token = await dash.sign_in("desa_a1")
    answer = await dash.client.post(
        f"/dashboard/handoffs/{ids['siti']}/messages",
        data={"csrf_token": token, "text": "  Sebentar, kami cek dulu. "},
    )
    assert (answer.status_code, answer.headers["location"]) == (
        303,
        "/dashboard/handoffs?done=sent",
    )
    (row,) = await _outbox(dash)
    assert (row.state, row.origin) == ("pending", "operator_reply")
    assert (
        row.body["text"]["body"]
        == "Pesan dari petugas (KTP-261120-0001):\nSebentar, kami cek dulu."
    )
    async with dash.sessionmaker() as session:
        event = (
            (await session.execute(select(RequestEvent).order_by(RequestEvent.id.desc())))
            .scalars()
            .first()
        )
    assert event is not None
    assert (event.actor, event.note, event.data) == (
        "operator:desa_a1",
        "Sebentar, kami cek dulu.",
        {"message": "sent"},
    )
    page = await dash.client.get(answer.headers["location"])
    assert "Balasan terkirim." in page.text


async def test_a_reply_outside_the_window_is_held_behind_the_invitation(
    dash: Dashboard, world: World
) -> None:
    ids = await _scene(dash, world)
    token = await dash.sign_in("desa_b1")
    page = await dash.client.get("/dashboard/handoffs")
    assert "Di luar jendela 24 jam" in page.text
    answer = await dash.client.post(
        f"/dashboard/handoffs/{ids['wati']}/messages",
        data={"csrf_token": token, "text": "Mohon kirim ulang foto KK."},
    )
    assert answer.headers["location"] == "/dashboard/handoffs?done=held"
    held, invitation = await _outbox(dash)
    assert (held.state, held.body["text"]["body"]) == (
        "held",
        "Pesan dari petugas (KTP-261120-0003):\nMohon kirim ulang foto KK.",
    )
    assert invitation.state == "pending"
    assert invitation.body["template"]["name"] == "loket_pesan_menunggu"
    assert invitation.body["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": "KTP-261120-0003"}
    ]


async def test_an_admin_replies_to_a_resident_without_any_request(
    dash: Dashboard, world: World
) -> None:
    ids = await _scene(dash, world)
    token = await dash.sign_in("root")
    answer = await dash.client.post(
        f"/dashboard/handoffs/{ids['tono']}/messages",
        data={"csrf_token": token, "text": "Halo Pak Tono, ada yang bisa dibantu?"},
    )
    assert answer.headers["location"] == "/dashboard/handoffs?done=sent"
    (row,) = await _outbox(dash)
    assert row.body["text"]["body"] == "Pesan dari petugas:\nHalo Pak Tono, ada yang bisa dibantu?"


async def test_reply_form_errors(dash: Dashboard, world: World) -> None:
    ids = await _scene(dash, world)
    token = await dash.sign_in("desa_a1")
    url = f"/dashboard/handoffs/{ids['siti']}/messages"
    for text in ("", "   ", "x" * 4097, "a\x00b"):
        answer = await dash.client.post(url, data={"csrf_token": token, "text": text})
        assert answer.status_code == 422
        assert "Tulis isi balasan." in answer.text
        assert f'class="card handoff has-error" id="handoff-{ids["siti"]}"' in answer.text
    budi = await conversation_of(dash, BUDI[0])  # visible to DESA-A1, but not handed off
    answer = await dash.client.post(
        f"/dashboard/handoffs/{budi.id}/messages", data={"csrf_token": token, "text": "halo"}
    )
    assert answer.status_code == 409
    assert "Percakapan ini sudah tidak menunggu petugas." in answer.text
    assert csrf_of(answer.text) == token
    assert await _outbox(dash) == []
