"""SIPI renewal from the expiry reminder's form, end to end through signed webhooks (issue 13.8).

Ramli's boat is remembered and its SIPI ends in 30 days. The reminder (a template: Meta's window
is closed) carries a FLOW button that opens the SIPI form pre-filled for KM Harapan Baru, with
a signed renewal token. He taps it (1), adds the old SIPI's photo and the logbook and submits
(2), and confirms the summary (3): the request reuses the boat's papers and his data.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.db import utcnow
from app.memory.expiry_reminders import send_due_expiry_reminders
from app.outbox.models import OutboundMessage
from app.whatsapp_flows.flow_tokens import check_flow_token
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow
from tests.support.form_reply import completion, picked_file
from tests.support.loket import Loket
from tests.support.operator import filed, move
from tests.support.resident import Resident, sharp_photo, texts
from tests.support.sipi_renewal import BOAT_PAPERS, first_renewal

MONTH_BEFORE = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)  # 09.00 WIB, 30 days before the end
# The form opens with what "Pakai data ini?" would offer: his data, the boat and its papers.
PREFILL = {
    "nik": "3201014508900003",
    "nama": "Daeng Ramli",
    "no_hp": "+6281234567890",
    "nama_kapal": "KM Harapan Baru",
    "gt": "12",
    "alat_tangkap": "jaring_insang",
    "no_sipi_lama": "",
    "sipi_berlaku_sampai": "2027-12-31",
    "ada_perubahan": "tidak",
    "held_bkp": True,
    "held_pas_kapal": True,
    "held_nib": True,
    "held_ktp_pemilik": True,
}


def publish_sipi_form(loket: Loket) -> None:
    """What `loket flows publish sipi_perpanjangan` leaves behind for Indonesian."""
    FlowRegistry.for_settings(loket.settings).record(
        "sipi_perpanjangan",
        "id",
        PublishedFlow(
            flow_id="flow-sipi-id",
            name="loket_sipi_perpanjangan_id",
            sha256="0" * 64,
            published_at="2026-11-22T01:00:00+00:00",
        ),
    )


async def _reminded(loket: Loket, sessionmaker, ramli: Resident) -> OutboundMessage:
    """The first renewal, dropped; then the reminder, sent now (the job's clock is ahead)."""
    first = await first_renewal(ramli)
    await move(loket, first, "rejected", note="Uji")
    await loket.drain()
    ramli.unread()
    runtime = loket.runtime
    options = {"catalog": runtime.catalog, "settings": runtime.settings}
    assert await send_due_expiry_reminders(runtime.sessionmaker, MONTH_BEFORE, **options) == 1
    async with sessionmaker() as session:
        stmt = select(OutboundMessage).where(OutboundMessage.origin == "template:expiry_reminder")
        (reminder,) = (await session.execute(stmt)).scalars().all()
        reminder.next_attempt_at = utcnow()
        await session.commit()
    await loket.drain()
    async with sessionmaker() as session:
        row = await session.get(OutboundMessage, reminder.id)
        assert row is not None and row.wamid
        return row


async def test_the_reminders_form_renews_in_three_actions(loket: Loket, sessionmaker) -> None:
    publish_sipi_form(loket)
    ramli = Resident(loket)
    reminder = await _reminded(loket, sessionmaker, ramli)

    template = reminder.body["template"]
    components = template["components"]
    token = components[2]["parameters"][0]["action"]["flow_token"]
    assert template["name"] == "loket_pengingat_perpanjang_formulir_sipi_perpanjangan"
    assert components == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Perpanjangan SIPI"},
                {"type": "text", "text": "KM Harapan Baru"},
                {"type": "text", "text": "31 Desember 2027"},
            ],
        },
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": "renew"}],
        },
        {
            "type": "button",
            "sub_type": "flow",
            "index": "1",
            "parameters": [
                {"type": "action", "action": {"flow_token": token, "flow_action_data": PREFILL}}
            ],
        },
    ]
    said = check_flow_token(loket.settings, token, now=MONTH_BEFORE)
    assert (said.service, said.subject, said.language) == (
        "sipi_perpanjangan",
        "harapan baru",
        "id",
    )
    (sent,) = ramli.unread()
    assert sent["template"]["name"] == template["name"]

    actions = ["tap the reminder's form button", "submit the form"]
    sipi, logbook = sharp_photo(40), sharp_photo(41)
    loket.graph.add_media("form-sipi", sipi, mime_type="image/jpeg", sha256_as="base64")
    loket.graph.add_media("form-logbook", logbook, mime_type="image/jpeg", sha256_as="base64")
    answers = {key: value for key, value in PREFILL.items() if not key.startswith("held_")}
    answers |= {
        "no_sipi_lama": "SIPI/73/2026",
        "doc_sipi_lama": [picked_file("form-sipi", sipi, "image/jpeg", "IMG_0100.jpg")],
        "doc_logbook": [picked_file("form-logbook", logbook, "image/jpeg", "IMG_0101.jpg")],
        "consent": True,
    }
    replies = await ramli.send(completion(answers, context_id=reminder.wamid, flow_token=token))
    lines = texts(replies).splitlines()
    assert lines[:3] == [
        "Formulir Anda sudah kami terima. Foto dan dokumennya sedang kami periksa, "
        "mohon tunggu sebentar.",
        "Foto dan dokumen dari formulir Anda sudah kami periksa.",
        "Mohon periksa data permohonan Perpanjangan SIPI berikut:",
    ]
    assert lines[-8:] == [
        "📄 SIPI lama: 1 foto ✅",
        "📄 Buku Kapal Perikanan: dokumen tersimpan ✅",
        "📄 Pas kecil/pas besar: dokumen tersimpan ✅",
        "📄 NIB atau SIUP: dokumen tersimpan ✅",
        "📄 KTP-el pemilik: dokumen tersimpan ✅",
        "📄 Logbook penangkapan: 1 foto ✅",
        "Sudah benar? Bila ya, pilih cara menerima hasilnya: ambil di kantor, kirim lewat "
        "WhatsApp (PDF bertanda tangan elektronik) atau antar ke rumah.",
        "Ongkos antar dibayar pemohon kepada kurir, sesuai tarif setempat.",
    ]
    actions.append("confirm")  # the yes that also says how the permit comes: by WhatsApp
    replies = await ramli.tap(replies, "Ya, kirim lewat WA")
    ticket = next(
        line.split(": ")[1]
        for line in texts(replies).splitlines()
        if line.startswith("Nomor permohonan: ")
    )
    assert actions == ["tap the reminder's form button", "submit the form", "confirm"]
    renewed = await filed(loket, ticket)
    assert renewed.delivery == "digital"
    assert renewed.fields["nama_kapal"] == "KM Harapan Baru"
    assert renewed.fields["no_sipi_lama"] == "SIPI/73/2026"
    assert sorted(renewed.documents) == sorted(
        ["sipi_lama", *BOAT_PAPERS, "nib", "ktp_pemilik", "logbook"]
    )

    # The same form sent again is not a second request.
    replies = await ramli.send(completion(answers, context_id=reminder.wamid, flow_token=token))
    assert texts(replies).splitlines()[0] == "Formulir ini sudah kami terima sebelumnya."


async def test_a_token_for_someone_else_starts_nothing(loket: Loket, sessionmaker) -> None:
    publish_sipi_form(loket)
    ramli = Resident(loket)
    reminder = await _reminded(loket, sessionmaker, ramli)
    ramli.unread()
    forged = "v1.eyJyIjoxfQ.AAAA"
    replies = await ramli.send(completion({"consent": True}, context_id=None, flow_token=forged))
    assert texts(replies).splitlines()[0] == (
        "Formulir ini sudah tidak berlaku. Silakan lanjutkan di chat."
    )
    assert reminder.wamid
