"""A lost KTP-el by WhatsApp Flow form, end to end through signed webhooks (issue 13: 2, 3).

The bot offers the published form beside the first chat question; the resident's completion
(`nfm_reply`) is matched by the message it names (`context.id`) even without a flow_token, its
answers go through the chat's validators and its files through the media worker, the locker and
the intake checks; the summary is confirmed as in chat. What fails is asked again alone.
"""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageFilter
from sqlalchemy import func, select

from app.conversations.transcript import inbound_line
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.intake.models import MediaJob
from app.outbox.models import OutboundMessage
from app.requests.models import Request, RequestDocument
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow
from tests.support.form_reply import completion, form_parameters, picked_file
from tests.support.loket import Loket
from tests.support.resident import NUMBER, WA_ID, Resident, sharp_photo, texts

NIK, KK = "3201014508900003", "3201012208150007"
ANSWERS = {
    "variant": "hilang",
    "nik": NIK,
    "nama": "Siti Aminah",
    "no_kk": KK,
    "alamat": "Jl. Melati 3 RT 01 RW 02, Sukamaju",
    "consent": True,
}
CHECKED = "Foto dan dokumen dari formulir Anda sudah kami periksa."


def publish_ktp_form(loket: Loket) -> None:
    """What `loket flows publish ktp` leaves behind: the Flow id of the Indonesian form."""
    FlowRegistry.for_settings(loket.settings).record(
        "ktp",
        "id",
        PublishedFlow(
            flow_id="flow-ktp-id",
            name="loket_ktp_id",
            sha256="0" * 64,
            published_at="2026-11-22T01:00:00+00:00",
        ),
    )


async def form_wamid(sessionmaker) -> str:
    """The wamid Meta gave the message that carried the form (its completion names it)."""
    async with sessionmaker() as session:
        stmt = select(OutboundMessage.wamid).where(OutboundMessage.kind == "flow")
        wamid: str = (await session.execute(stmt)).scalar_one()
    return wamid


def files(loket: Loket, kk: bytes, letter: bytes) -> dict[str, Any]:
    """The two pickers of the lost-KTP form, the files placed at the fake Meta."""
    loket.graph.add_media("form-kk", kk, mime_type="image/jpeg", sha256_as="base64")
    loket.graph.add_media("form-letter", letter, mime_type="image/jpeg", sha256_as="base64")
    return {
        "doc_kk": [picked_file("form-kk", kk, "image/jpeg", "IMG_0001.jpg")],
        "doc_surat_kehilangan": [picked_file("form-letter", letter, "image/jpeg", "IMG_0002.jpg")],
    }


def blurred(seed: int) -> bytes:
    image = Image.open(io.BytesIO(sharp_photo(seed))).filter(ImageFilter.GaussianBlur(8))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


async def test_lost_ktp_by_form_in_four_resident_actions(loket: Loket, sessionmaker) -> None:
    publish_ktp_form(loket)
    siti = Resident(loket)
    actions = ["pick service"]
    replies = await siti.text("ktp sy ilang min")

    # The first chat question, with the form beside it: offered, never forced.
    assert texts(replies).splitlines()[-2:] == [
        "Lebih cepat: isi semua data dan foto dokumen sekaligus di formulir ini. Atau jawab saja "
        "pertanyaan kami di chat seperti biasa.",
        "Silakan ketik NIK Anda (16 angka, ada di KK).",
    ]
    offered = form_parameters(replies)
    token = offered.pop("flow_token")
    assert len(token) == 32 and int(token, 16) >= 0  # unpredictable: a random 128-bit id
    assert offered == {
        "flow_message_version": "3",
        "flow_id": "flow-ktp-id",
        "flow_cta": "Isi formulir",
        "flow_action": "navigate",
        "flow_action_payload": {
            "screen": "VARIANT",
            "data": {
                "variant": "hilang",
                **dict.fromkeys(
                    ["nik", "nama", "no_kk", "status_kawin"],
                    "",
                ),
                "data_berubah": "",
                "alamat": "",
                "held_kk": False,
                "held_ktp_lama": False,
                "held_ktp_asal": False,
            },
        },
    }

    actions += ["open form", "submit"]
    answers = ANSWERS | files(loket, sharp_photo(1), sharp_photo(2))
    # Without flow_token (as iOS sends it): the form is found by the message it answers.
    replies = await siti.send(
        completion(answers, context_id=await form_wamid(sessionmaker), flow_token=None)
    )
    said = texts(replies)
    assert said.startswith(
        "Formulir Anda sudah kami terima. Foto dan dokumennya sedang kami periksa, "
        "mohon tunggu sebentar.\n" + CHECKED + "\nDari NIK: tanggal lahir 5 Agustus 1990, jenis "
        "kelamin perempuan. Bila keliru, bisa diubah di ringkasan nanti.\nMohon periksa data "
        "permohonan KTP-el berikut:"
    )
    assert "📄 Kartu Keluarga: 1 foto ✅" in said and "• NIK: 3201••••••••0003" in said

    actions.append("confirm")
    replies = await siti.tap(replies, "Ya, ambil di kantor")

    assert actions == ["pick service", "open form", "submit", "confirm"]
    async with sessionmaker() as session:
        # The messages she sent: opening the form sends nothing, so 3 messages are 4 actions.
        sent = select(func.count(InboundEvent.id)).where(InboundEvent.kind == KIND_MESSAGE)
        assert (await session.execute(sent)).scalar_one() == 3
        request = (await session.execute(select(Request))).scalar_one()
        assert (request.service_code, request.variant, request.status) == (
            "ktp",
            "hilang",
            "submitted",
        )
        assert request.fields == {
            "nik": NIK,
            "nama": "Siti Aminah",
            "tanggal_lahir": "1990-08-05",
            "jenis_kelamin": "perempuan",
            "no_kk": KK,
            "alamat": "Jl. Melati 3 RT 01 RW 02, Sukamaju",
        }
        links = (await session.execute(select(RequestDocument))).scalars().all()
        assert sorted(link.requirement for link in links) == ["kk", "surat_kehilangan"]
    assert request.ticket in texts(replies)
    downloads = sorted(r.path for r in loket.graph.requests if r.route == "media_info")
    assert downloads == [f"/{loket.graph.version}/form-kk", f"/{loket.graph.version}/form-letter"]


async def test_an_invalid_answer_and_a_blurred_photo_are_asked_again_alone(
    loket: Loket, sessionmaker
) -> None:
    publish_ktp_form(loket)
    siti = Resident(loket)
    replies = await siti.text("ktp sy ilang min")
    token = form_parameters(replies)["flow_token"]
    answers = ANSWERS | {"nik": "320101450890003"} | files(loket, blurred(1), sharp_photo(2))

    replies = await siti.send(completion(answers, context_id=None, flow_token=token))

    assert texts(replies).splitlines()[1:] == [
        CHECKED,
        "Ada yang perlu diperbaiki:",
        "• NIK yang Anda kirim 15 angka. NIK harus 16 angka. Contoh: 1303015708900001",
        "• Foto Kartu Keluarga kurang jelas (buram). Mohon foto ulang di tempat terang, seluruh "
        "dokumen terlihat, lalu kirim lagi.",
        "Mohon kirim ulang yang di atas di chat ini. Yang lain sudah lengkap.",
        "Silakan ketik NIK Anda (16 angka, ada di KK).",
    ]
    replies = await siti.text(NIK)
    assert texts(replies).splitlines()[:2] == [  # the NIK gives the date and sex: not asked
        "Dari NIK: tanggal lahir 5 Agustus 1990, jenis kelamin perempuan. Bila keliru, bisa "
        "diubah di ringkasan nanti.",
        "Silakan kirim foto Kartu Keluarga. 📄",
    ]
    replies = await siti.photo("chat-kk", sharp_photo(3))
    replies = await siti.tap(replies, "Sudah semua")
    assert texts(replies).startswith("Mohon periksa data permohonan KTP-el berikut:")


async def test_the_same_completion_delivered_twice_is_taken_once(
    loket: Loket, sessionmaker
) -> None:
    publish_ktp_form(loket)
    siti = Resident(loket)
    token = form_parameters(await siti.text("ktp sy ilang min"))["flow_token"]
    message = completion(
        ANSWERS | files(loket, sharp_photo(1), sharp_photo(2)),
        context_id=await form_wamid(sessionmaker),
        flow_token=token,
    )
    doc = webhook(
        {"from": WA_ID, "id": "wamid.FORM1", "timestamp": str(int(time.time()))} | message
    )

    for _ in range(2):  # Meta retries a delivery it thinks failed
        assert (await loket.post_webhook(doc)).status_code == 200
        await loket.drain()

    said = texts(siti.unread())
    assert said.count("Formulir Anda sudah kami terima.") == 1
    assert said.count(CHECKED) == 1
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count(MediaJob.id)))).scalar_one() == 2


async def test_a_completion_of_an_unknown_form_is_refused_and_nothing_is_stored(
    loket: Loket, sessionmaker
) -> None:
    publish_ktp_form(loket)
    siti = Resident(loket)
    await siti.text("ktp sy ilang min")
    answers = ANSWERS | files(loket, sharp_photo(1), sharp_photo(2))

    replies = await siti.send(
        completion(answers, context_id="wamid.NOT-OURS", flow_token="an-old-token")
    )

    assert texts(replies).splitlines() == [
        "Formulir ini sudah tidak berlaku. Silakan lanjutkan di chat.",
        "Silakan ketik NIK Anda (16 angka, ada di KK).",
    ]
    async with sessionmaker() as session:
        assert (await session.execute(select(func.count(MediaJob.id)))).scalar_one() == 0


async def test_without_a_published_form_the_chat_is_as_before(loket: Loket) -> None:
    siti = Resident(loket)
    replies = await siti.text("ktp sy ilang min")
    assert [r["type"] for r in replies] == ["text", "text"]
    assert texts(replies).splitlines()[-1] == "Silakan ketik NIK Anda (16 angka, ada di KK)."


def webhook(message: dict[str, Any]) -> dict[str, Any]:
    """One signed-webhook body holding `message` (with its own id) from the resident."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": WA_ID}],
        "messages": [message],
    }
    return json.loads(
        json.dumps(
            {
                "object": "whatsapp_business_account",
                "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
            }
        )
    )


def test_an_operator_reads_a_submitted_form_in_the_transcript_not_an_empty_line() -> None:
    """§9 pitfall 2: a completion must not show as an empty message."""
    at = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    message = {"from": WA_ID, "id": "wamid.F"} | completion(
        ANSWERS, context_id="wamid.X", flow_token="t"
    )
    event = InboundEvent(id=7, payload={"message": message}, occurred_at=at, received_at=at)
    assert inbound_line(event).text == "📋 Formulir dikirim"
