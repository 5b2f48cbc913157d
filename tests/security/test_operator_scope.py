"""An operator of one office trying to read what belongs to another, or to the resident alone.

Siti has two requests: a KTP-el at village A1 (whose conversation holds her address and a KK
number) and a SIPI renewal at village B1. The operator of B1 must not learn the first from the
SIPI page, the hand-off page or the counter; nobody may read the one-time pickup code; lists must
not give back the digits a masked NIK hides.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.conversations.models import Conversation
from app.db import unit_of_work, utcnow
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage
from app.requests.models import Request, RequestEvent
from app.residents.models import Resident
from tests.support.clients import Dashboard, dash, world
from tests.support.factories import START, World, add_request, add_resident, ktp_fields

__all__ = ["dash", "world"]  # the fixtures, used by name

KTP, SIPI = "KTP-261120-0001", "SIPI-261120-0001"
SITI_WA, SITI_NIK = "6289900000001", "3201014508900003"
CHAT = re.compile(r'<div id="chat" data-live>(.*?)</div>', re.S)
HANDOFF_CHAT = re.compile(r'<ul class="chat">(.*?)</ul>', re.S)
LINE = re.compile(r"<p>(.*?)</p>", re.S)

# (minutes after START, inbound?, text, the inbound message an outbound one answers)
CONVERSATION: list[tuple[int, bool, str, str | None]] = [
    (0, True, "mau bikin KTP", None),
    (0, False, "Silakan ketik alamat Anda.", None),
    (1, True, "Jl. Melati 3 RT 02", None),
    # 10: the KTP request is submitted
    (10, False, f"Permohonan Anda sudah kami terima. Nomor permohonan: {KTP}", None),
    # 60–62: a correction round of the KTP request
    (61, False, "Mohon kirim nomor KK yang benar.", None),
    (61, True, "No KK saya 3201012208150099", None),
    (100, True, "mau perpanjang SIPI", None),
    (100, False, "Silakan ketik nama kapal Anda.", None),
    (101, True, "KM Bahari Jaya", None),
    # 110: the SIPI request is submitted
    (110, False, f"Permohonan Anda sudah kami terima. Nomor permohonan: {SIPI}", None),
    (120, False, f"Permohonan {KTP} (KTP-el) sedang diperiksa petugas.", None),
    (130, True, "kapan selesai ya?", None),
    (130, False, f"• {SIPI} (SIPI): Diajukan.", "kapan selesai ya?"),
    (140, True, "terima kasih", None),
]
SIPI_PAGE = [
    "mau perpanjang SIPI",
    "Silakan ketik nama kapal Anda.",
    "KM Bahari Jaya",
    f"Permohonan Anda sudah kami terima. Nomor permohonan: {SIPI}",
    "kapan selesai ya?",
    f"• {SIPI} (SIPI): Diajukan.",
    "terima kasih",
]
KTP_PAGE = [
    "mau bikin KTP",
    "Silakan ketik alamat Anda.",
    "Jl. Melati 3 RT 02",
    f"Permohonan Anda sudah kami terima. Nomor permohonan: {KTP}",
    "Mohon kirim nomor KK yang benar.",
    "No KK saya 3201012208150099",
    f"Permohonan {KTP} (KTP-el) sedang diperiksa petugas.",
    "terima kasih",
]


def _at(minutes: int, second: int = 0) -> datetime:
    return START + timedelta(minutes=minutes, seconds=second)


async def _siti(dash: Dashboard, world: World) -> None:
    """Siti, her two requests at two villages, and the chat of both."""
    async with unit_of_work(dash.sessionmaker) as session:
        siti = await add_resident(session, SITI_WA, "Siti Aminah")
        ktp = await add_request(
            session,
            ticket=KTP,
            resident=siti,
            office_id=world.offices["DESA-A1"],
            fields=ktp_fields(SITI_NIK, "Siti Aminah"),
            minutes=10,
        )
        for minutes, status in ((60, "needs_correction"), (62, "in_review")):
            session.add(
                RequestEvent(request_id=ktp.id, at=_at(minutes), actor="x", to_status=status)
            )
        ktp.status = "in_review"
        await add_request(
            session,
            ticket=SIPI,
            resident=siti,
            office_id=world.offices["DESA-B1"],
            service="sipi_perpanjangan",
            variant=None,
            fields={"nik": SITI_NIK, "nama": "Siti Aminah", "nama_kapal": "KM Bahari Jaya"},
            minutes=110,
        )
        asked: dict[str, int] = {}
        for number, (minutes, inbound, text, answers) in enumerate(CONVERSATION):
            # Within a minute, messages follow each other a few seconds apart.
            at = _at(minutes, number % 10)
            if inbound:
                event = _inbound(siti, at, text, f"wamid.scope.{number}")
                session.add(event)
                await session.flush()
                asked[text] = event.id
            else:
                session.add(_outbound(siti, at, text, asked.get(answers or "")))


def _inbound(resident: Resident, at: datetime, text: str, wamid: str) -> InboundEvent:
    return InboundEvent(
        dedup_key=f"m:{wamid}",
        kind=KIND_MESSAGE,
        resident_id=resident.id,
        external_id=wamid,
        payload={"message": {"type": "text", "text": {"body": text}}},
        occurred_at=at,
        received_at=at,
        processed_at=at,
    )


def _outbound(
    resident: Resident, at: datetime, text: str, caused_by: int | None = None
) -> OutboundMessage:
    return OutboundMessage(
        resident_id=resident.id,
        kind="text",
        body={"messaging_product": "whatsapp", "type": "text", "text": {"body": text}},
        state="sent",
        caused_by_event_id=caused_by,
        origin="conversation",
        created_at=at,
        next_attempt_at=at,
    )


async def _chat_lines(dash: Dashboard, ticket: str) -> list[str]:
    page = await dash.client.get(f"/dashboard/requests/{ticket}")
    assert page.status_code == 200
    found = CHAT.search(page.text)
    assert found is not None
    return [line.strip() for line in LINE.findall(found.group(1))]


async def test_the_request_page_shows_only_the_chat_of_that_request(
    dash: Dashboard, world: World
) -> None:
    await _siti(dash, world)
    await dash.sign_in("desa_b1")
    assert await _chat_lines(dash, SIPI) == SIPI_PAGE
    dash.client.cookies.clear()
    await dash.sign_in("desa_a1")
    assert await _chat_lines(dash, KTP) == KTP_PAGE


async def test_the_handoff_page_hides_what_belongs_to_another_office(
    dash: Dashboard, world: World
) -> None:
    await _siti(dash, world)
    async with unit_of_work(dash.sessionmaker) as session:
        siti = (await session.execute(select(Resident))).scalar_one()
        session.add(
            Conversation(
                resident_id=siti.id,
                snapshot={"handoff": True},
                status="handoff",
                handoff_at=_at(141),
                handoff_reason="resident_request",
            )
        )
    await dash.sign_in("desa_b1")
    page = await dash.client.get("/dashboard/handoffs")
    found = HANDOFF_CHAT.search(page.text)
    assert found is not None
    assert [line.strip() for line in LINE.findall(found.group(1))] == [
        "Silakan ketik nama kapal Anda.",
        "KM Bahari Jaya",
        f"Permohonan Anda sudah kami terima. Nomor permohonan: {SIPI}",
        "kapan selesai ya?",
        f"• {SIPI} (SIPI): Diajukan.",
        "terima kasih",
    ]
    assert KTP not in page.text


async def _move(dash: Dashboard, token: str, ticket: str, to: str, **form: str) -> None:
    answer = await dash.client.post(
        f"/dashboard/requests/{ticket}/transitions", data={"csrf_token": token, "to": to, **form}
    )
    assert answer.status_code == 303, answer.text


async def _pickup_code(dash: Dashboard) -> str:
    async with dash.sessionmaker() as session:
        stmt = select(OutboundMessage).where(OutboundMessage.origin == "status:ready_for_pickup")
        row = (await session.execute(stmt)).scalar_one()
    found = re.search(r"kode pengambilan (\d{6})", row.body["text"]["body"])
    assert found is not None
    return found.group(1)


async def test_no_operator_view_shows_the_pickup_code(dash: Dashboard, world: World) -> None:
    await _siti(dash, world)
    async with unit_of_work(dash.sessionmaker) as session:
        siti = (await session.execute(select(Resident))).scalar_one()
        siti.last_inbound_at = utcnow() - timedelta(hours=1)  # free-form messages go out
    token = await dash.sign_in("desa_b1")
    for to in ("in_review", "processing", "ready_for_pickup"):
        await _move(dash, token, SIPI, to)
    code = await _pickup_code(dash)
    spaced = f"{code[:3]} {code[3:]}"
    async with unit_of_work(dash.sessionmaker) as session:
        siti = (await session.execute(select(Resident))).scalar_one()
        # The resident types the code back, as residents do ("is this the code?").
        session.add(_inbound(siti, utcnow(), f"kode saya {spaced} ya pak", "wamid.code"))
        session.add(
            Conversation(resident_id=siti.id, snapshot={}, status="handoff", handoff_at=utcnow())
        )

    lines = await _chat_lines(dash, SIPI)
    assert lines[-3] == (
        "Perpanjangan SIPI Anda siap diambil di Kantor DESA-B1, Senin–Jumat 08.00–15.00. "
        "Tunjukkan kode pengambilan •••••• kepada petugas. Nomor permohonan: SIPI-261120-0001."
        "\nBawa juga: Bawa SIPI lama asli dan KTP-el pemilik kapal."
    )
    # The QR image that follows names the ticket, never the code it encodes.
    assert lines[-2] == (
        f"[foto] Kode pengambilan {SIPI}. Tunjukkan kode QR ini kepada petugas untuk dipindai, "
        "atau sebutkan kodenya."
    )
    assert lines[-1] == "kode saya •••••• ya pak"
    for url in (f"/dashboard/requests/{SIPI}", "/dashboard/handoffs"):
        page = (await dash.client.get(url)).text
        assert code not in page and spaced not in page
        assert "••••••" in page
    detail = await dash.client.get(f"/api/v1/requests/{SIPI}", headers=world.auth("desa_b1"))
    assert detail.status_code == 200 and code not in detail.text

    # Hiding the code does not stop the resident's own code from completing the pickup.
    await _move(dash, token, SIPI, "completed", code=code)
    async with dash.sessionmaker() as session:
        stmt = select(Request.status).where(Request.ticket == SIPI)
        assert (await session.execute(stmt)).scalar_one() == "completed"


async def _lookups(dash: Dashboard) -> list[tuple[str, str | None, dict[str, object]]]:
    async with dash.sessionmaker() as session:
        stmt = (
            select(AuditEvent).where(AuditEvent.action == "resident_lookup").order_by(AuditEvent.id)
        )
        return [(e.actor, e.target, e.detail) for e in (await session.execute(stmt)).scalars()]


async def test_the_counter_finds_by_nik_only_the_residents_of_its_offices(
    dash: Dashboard, world: World
) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        siti = await add_resident(session, SITI_WA, "Siti Aminah")
        await add_request(
            session,
            ticket=KTP,
            resident=siti,
            office_id=world.offices["DESA-A1"],
            fields=ktp_fields(SITI_NIK, "Siti Aminah"),
        )
        siti_id = siti.id
    query = {"service": "ktp:hilang", "nik": SITI_NIK}

    await dash.sign_in("desa_b1")
    elsewhere = await dash.client.get("/dashboard/counter", params=query)
    assert elsewhere.status_code == 422  # the same answer as for an NIK nobody used
    assert "Belum ada permohonan dengan NIK ini di wilayah kerja Anda." in elsewhere.text
    assert SITI_WA not in elsewhere.text and "Siti" not in elsewhere.text

    dash.client.cookies.clear()
    await dash.sign_in("desa_a1")
    here = await dash.client.get("/dashboard/counter", params=query)
    assert here.status_code == 303
    assert here.headers["location"] == (
        f"/dashboard/counter/ktp?variant=hilang&phone={SITI_WA}&nik={SITI_NIK}"
    )

    assert await _lookups(dash) == [
        ("operator:desa_b1", "nik:3201********0003", {"by": "nik", "result": "other_office"}),
        (
            "operator:desa_a1",
            "nik:3201********0003",
            {"by": "nik", "result": "found", "resident_id": siti_id},
        ),
    ]


async def test_a_phone_lookup_says_only_that_the_number_is_known(
    dash: Dashboard, world: World
) -> None:
    await _siti(dash, world)
    async with dash.sessionmaker() as session:
        siti_id = (await session.execute(select(Resident.id))).scalar_one()
    await dash.sign_in("desa_b1")
    url = "/dashboard/counter/ktp"
    for _ in range(2):  # looking at the form twice is one audit entry
        form = await dash.client.get(url, params={"variant": "hilang", "phone": "0899 0000 0001"})
        assert form.status_code == 200
    assert f"<strong>S*** A*****</strong> ({SITI_WA}) · sudah terdaftar" in form.text
    assert "Siti Aminah" not in form.text
    assert KTP not in form.text and "Melati" not in form.text
    assert await _lookups(dash) == [
        (
            "operator:desa_b1",
            "phone:6289*****0001",
            {"by": "phone", "result": "known", "resident_id": siti_id},
        )
    ]


async def test_lists_do_not_show_what_a_masked_nik_hides(dash: Dashboard, world: World) -> None:
    """3201 01 450890 0003: the masked digits hold the birth date and sex (day + 40)."""
    await _siti(dash, world)
    listed = await dash.client.get("/api/v1/requests", headers=world.auth("desa_a1"))
    (item,) = listed.json()["items"]
    assert {k: item["fields"][k] for k in ("nik", "tanggal_lahir")} == {
        "nik": "3201********0003",
        "tanggal_lahir": "****-**-**",
    }
    await dash.sign_in("desa_a1")
    for url in ("/dashboard/", "/dashboard/export.csv", "/dashboard/?q=Siti"):
        page = await dash.client.get(url)
        assert page.status_code == 200
        assert "3201********0003" in page.text
        for birth_date in ("1990-08-05", "05-08-1990", "5 Agustus 1990", "05/08/1990"):
            assert birth_date not in page.text, (url, birth_date)
