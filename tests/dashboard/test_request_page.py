"""The request page: full answers, documents (audited), history, chat, reply box and scope."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.db import unit_of_work, utcnow
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.locker.models import DocumentAccess
from app.outbox.models import OutboundMessage
from app.requests.models import Request
from app.residents.models import Resident
from tests.support.clients import Dashboard
from tests.support.factories import World, add_document, seed_requests

TICKET = "KTP-261120-0001"
JPEG = b"\xff\xd8\xff\xe0" + b"synthetic-jpeg-bytes" * 10
PDF = b"%PDF-1.4\n% synthetic\n%%EOF\n"


async def _with_documents(dash: Dashboard, world: World) -> tuple[int, int]:
    made = await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        request = made[TICKET]
        resident = await session.get(Resident, request.resident_id)
        assert resident is not None
        photo = await add_document(
            session,
            dash.runtime.store,
            resident=resident,
            requirement="foto",
            content=JPEG,
            attach_to=request,
        )
        letter = await add_document(
            session,
            dash.runtime.store,
            resident=resident,
            requirement="surat_pengantar",
            content=PDF,
            mime_type="application/pdf",
            attach_to=request,
        )
        return photo.id, letter.id


async def test_the_page_shows_the_full_nik_documents_and_history(
    dash: Dashboard, world: World
) -> None:
    photo, letter = await _with_documents(dash, world)
    await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert page.status_code == 200
    assert '<dd data-field="nik">3201014508900003</dd>' in page.text
    assert f'<img src="/dashboard/documents/{photo}/content"' in page.text
    assert f'href="/dashboard/documents/{letter}/content" target="_blank"' in page.text
    assert "Buka PDF" in page.text
    assert 'data-to="submitted"' in page.text and "submitted by WhatsApp" in page.text
    for move in ("in_review", "rejected"):
        assert f'id="action-{move}"' in page.text
    assert 'id="action-cancelled"' not in page.text
    assert 'id="action-processing"' not in page.text


async def test_viewing_a_document_is_audited(dash: Dashboard, world: World) -> None:
    photo, letter = await _with_documents(dash, world)
    await dash.sign_in("desa_a1")
    image = await dash.client.get(f"/dashboard/documents/{photo}/content")
    assert image.status_code == 200
    assert image.content == JPEG
    assert image.headers["content-type"] == "image/jpeg"
    assert image.headers["content-disposition"].startswith("inline")
    pdf = await dash.client.get(f"/dashboard/documents/{letter}/content")
    assert pdf.headers["content-type"] == "application/pdf"
    async with dash.sessionmaker() as session:
        rows = (await session.execute(select(DocumentAccess).order_by(DocumentAccess.id))).scalars()
        seen = [(r.document_id, r.actor, r.reason, r.action) for r in rows]
    assert seen == [
        (photo, "operator:desa_a1", "dashboard", "view"),
        (letter, "operator:desa_a1", "dashboard", "view"),
    ]


async def test_another_village_gets_404_for_the_page_and_the_document(
    dash: Dashboard, world: World
) -> None:
    photo, _ = await _with_documents(dash, world)
    await dash.sign_in("desa_b1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert page.status_code == 404
    assert "di luar wilayah kerja Anda" in page.text
    document = await dash.client.get(f"/dashboard/documents/{photo}/content")
    assert document.status_code == 404
    for bad in ("99999999999", "0", "abc"):
        unknown = await dash.client.get(f"/dashboard/documents/{bad}/content")
        assert unknown.status_code == 404
        assert "text/html" in unknown.headers["content-type"]
    async with dash.sessionmaker() as session:
        assert (await session.execute(select(DocumentAccess))).first() is None


async def test_unknown_and_malformed_tickets_are_404(dash: Dashboard, world: World) -> None:
    await dash.sign_in("root")
    for ticket in ("KTP-000000-0000", "not a ticket"):
        assert (await dash.client.get(f"/dashboard/requests/{ticket}")).status_code == 404


async def test_the_chat_lists_both_sides(dash: Dashboard, world: World) -> None:
    made = await seed_requests(dash.sessionmaker, world)
    now = utcnow()
    async with unit_of_work(dash.sessionmaker) as session:
        resident_id = made[TICKET].resident_id
        session.add(
            InboundEvent(
                dedup_key="m:wamid.synthetic.1",
                kind=KIND_MESSAGE,
                resident_id=resident_id,
                external_id="wamid.synthetic.1",
                payload={"message": {"type": "text", "text": {"body": "Kapan KTP saya jadi?"}}},
                occurred_at=now - timedelta(minutes=2),
                received_at=now - timedelta(minutes=2),
            )
        )
        session.add(
            OutboundMessage(
                resident_id=resident_id,
                kind="text",
                body={
                    "messaging_product": "whatsapp",
                    "type": "text",
                    "text": {"body": "Sedang kami periksa."},
                },
                created_at=now - timedelta(minutes=1),
                next_attempt_at=now,
            )
        )
    await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    asked = page.text.index("Kapan KTP saya jadi?")
    answered = page.text.index("Sedang kami periksa.")
    assert asked < answered


async def _reply(dash: Dashboard, token: str, text: str) -> str:
    answer = await dash.client.post(
        f"/dashboard/requests/{TICKET}/messages", data={"csrf_token": token, "text": text}
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


async def test_a_reply_inside_the_window_is_sent(dash: Dashboard, world: World) -> None:
    made = await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        resident = await session.get(Resident, made[TICKET].resident_id)
        assert resident is not None
        resident.last_inbound_at = utcnow() - timedelta(hours=1)
    token = await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert "balasan langsung terkirim" in page.text
    location = await _reply(dash, token, "Berkas Anda lengkap.")
    assert location == f"/dashboard/requests/{TICKET}?done=sent"
    assert "Balasan terkirim." in (await dash.client.get(location)).text
    async with dash.sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    assert [(r.state, r.origin) for r in rows] == [("pending", "operator_reply")]
    assert "Berkas Anda lengkap." in rows[0].body["text"]["body"]


async def test_a_reply_outside_the_window_is_held_behind_an_invitation(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert "Di luar jendela 24 jam" in page.text
    location = await _reply(dash, token, "Mohon datang besok.")
    assert location == f"/dashboard/requests/{TICKET}?done=held"
    async with dash.sessionmaker() as session:
        rows = (
            await session.execute(select(OutboundMessage).order_by(OutboundMessage.id))
        ).scalars()
        assert [(r.kind, r.state) for r in rows] == [("text", "held"), ("template", "pending")]
        request = (
            await session.execute(select(Request).where(Request.ticket == TICKET))
        ).scalar_one()
        assert request.status == "submitted"


async def test_an_empty_reply_is_a_form_error(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    answer = await dash.client.post(
        f"/dashboard/requests/{TICKET}/messages", data={"csrf_token": token, "text": "   "}
    )
    assert answer.status_code == 422
    assert "Tulis isi balasan." in answer.text


async def test_history_times_are_local_and_actors_translated(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}?lang=en")
    # Created 01:01 UTC, shown in Asia/Jakarta (UTC+7).
    assert '<time datetime="2026-11-20T01:01:00+00:00">20 November 2026, 08:01</time>' in page.text
    assert '<span class="actor" title="resident">resident</span>' in page.text
    page = await dash.client.get(f"/dashboard/requests/{TICKET}?lang=id")
    assert '<span class="actor" title="resident">warga</span>' in page.text
