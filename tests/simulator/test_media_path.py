"""Files from the simulated phone go Meta's way: media store, media id in a webhook, media worker,
the locker's intake checks, and the conversation."""

from __future__ import annotations

from sqlalchemy import select

from app.inbox.models import InboundEvent
from app.intake.models import MediaJob
from app.locker.models import Document
from app.locker.policy import MiB
from app.outbox.models import OutboundMessage
from app.requests.models import Request, RequestDocument
from tests.support.photos import photo_jpeg, photo_png
from tests.support.simulator import Phone, Simulator

WA_ID = "6281299990011"
# A KTP-el baru up to the family card photos; the NIK, date and sex agree with each other.
KTP_ANSWERS = (
    "3201014508900003",
    "Siti Aminah",  # the birth date and sex come from the NIK
)
ASK_KK = (
    "Silakan kirim foto Kartu Keluarga. 📄\n"
    "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
)


async def up_to_the_family_card(phone: Phone) -> None:
    await phone.text("halo")
    await phone.tap("KTP-el")
    await phone.tap("KTP-el baru")
    for answer in KTP_ANSWERS:
        await phone.text(answer)
    await phone.text("3201012208150007")
    await phone.tap("Belum kawin")
    await phone.text("Dusun Mawar RT 02/RW 01, Desa Sukamaju")
    assert (await phone.bot_texts())[-1] == ASK_KK


async def test_an_album_of_two_photos_completes_a_ktp_request(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await up_to_the_family_card(phone)
    answer = await phone.files(
        "photo", [("kk-depan.jpg", photo_jpeg(1), "image/jpeg"), ("kk.png", photo_png(2), "")]
    )
    assert answer.status_code == 200, answer.text
    wamids = answer.json()["wamids"]
    assert (await phone.bot_texts())[-2] == "Kami terima 2 foto untuk Kartu Keluarga. ✅"
    await phone.tap("Ya, ambil di kantor")

    async with simulator.sessionmaker() as session:
        events = (
            (
                await session.execute(
                    select(InboundEvent).where(InboundEvent.external_id.in_(wamids))
                )
            )
            .scalars()
            .all()
        )
        images = {e.external_id: e.payload["message"]["image"] for e in events}
        request = (await session.execute(select(Request))).scalar_one()
        documents = (await session.execute(select(Document))).scalars().all()
        links = (await session.execute(select(RequestDocument))).scalars().all()
        jobs = (await session.execute(select(MediaJob))).scalars().all()
    assert [images[w]["mime_type"] for w in wamids] == ["image/jpeg", "image/png"]
    assert [sorted(images[w]) for w in wamids] == [["id", "mime_type", "sha256"]] * 2
    assert (request.status, request.service_code, request.variant) == ("submitted", "ktp", "baru")
    assert sorted((d.status, d.mime_type) for d in documents) == [
        ("accepted", "image/jpeg"),
        ("accepted", "image/png"),
    ]
    assert [link.requirement for link in links] == ["kk", "kk"]
    assert {job.state for job in jobs} == {"done"}
    # The ticket, then the question whether Loket may keep the data (issue 13.6).
    assert (await phone.bot_texts())[-2].startswith(
        f"Permohonan Anda sudah kami terima ✅\nNomor permohonan: {request.ticket}\n"
    )


async def test_a_tap_names_the_bot_message_that_carried_the_button(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await phone.text("halo")
    wamid = await phone.tap("KTP-el")
    async with simulator.sessionmaker() as session:
        event = (
            await session.execute(select(InboundEvent).where(InboundEvent.external_id == wamid))
        ).scalar_one()
        # Ordered: PostgreSQL returns an updated row (its wamid set after sending) wherever
        # the new row version landed, so an unordered scan need not start with the greeting.
        sent = (
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    menu = next(row for row in sent if row.body.get("type") == "interactive")  # the greeting
    assert menu.wamid is not None and menu.wamid.startswith("wamid.SANDBOX")
    assert event.payload["message"]["context"] == {"from": "628000000000", "id": menu.wamid}
    assert event.payload["message"]["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "svc:ktp", "title": "KTP-el"},
    }


async def test_a_text_file_is_refused_at_intake_with_the_reason(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await up_to_the_family_card(phone)
    answer = await phone.files("document", [("catatan.txt", b"ini bukan foto KK", "text/plain")])
    assert answer.status_code == 200, answer.text
    assert (await phone.bot_texts())[-1] == (
        "Kartu Keluarga harus dikirim sebagai foto atau file PDF. Silakan kirim ulang."
    )
    screen = await phone.screen()
    sent = [i["message"] for i in screen["items"] if i["from"] == "me"][-1]
    assert (sent["type"], sent["document"]["filename"], sent["document"]["mime_type"]) == (
        "document",
        "catatan.txt",
        "text/plain",
    )


async def test_the_media_store_refuses_what_whatsapp_would_not_send(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    too_big = b"\xff\xd8\xff\xe0" + b"\x00" * (5 * MiB)
    refused = await phone.files("photo", [("besar.jpg", too_big, "image/jpeg")])
    assert (refused.status_code, refused.json()) == (
        413,
        {"detail": "besar.jpg terlalu besar: WhatsApp membatasi 5 MB."},
    )
    refused = await phone.files("voice", [("foto.jpg", photo_jpeg(), "image/jpeg")])
    assert (refused.status_code, refused.json()) == (
        422,
        {"detail": "foto.jpg bukan rekaman suara."},
    )
    many = [(f"{n}.jpg", photo_jpeg(), "image/jpeg") for n in range(11)]
    refused = await phone.files("photo", many)
    assert (refused.status_code, refused.json()) == (
        422,
        {"detail": "Kirim 1 sampai 10 berkas sekaligus."},
    )
    two = [("a.ogg", b"OggS" + bytes(60), "audio/ogg")] * 2
    refused = await phone.files("voice", two)
    assert (refused.status_code, refused.json()) == (
        422,
        {"detail": "Kirim satu pesan suara sekali kirim."},
    )
    async with simulator.sessionmaker() as session:
        assert (await session.execute(select(InboundEvent))).first() is None


async def test_the_phone_shows_its_own_files_safely(simulator: Simulator) -> None:
    phone = simulator.phone(WA_ID, "Siti Aminah")
    await phone.files("photo", [("kk.jpg", photo_jpeg(), "image/jpeg")])
    await phone.files("document", [("<b>.html", b"<script>alert(1)</script>", "text/html")])
    photo, page = [i["message"] for i in (await phone.screen())["items"] if i["from"] == "me"]

    shown = await phone.client.get(f"/simulator/api/media/{photo['image']['id']}")
    assert (shown.status_code, shown.content) == (200, photo_jpeg())
    assert shown.headers["content-type"] == "image/jpeg"
    assert shown.headers["content-security-policy"] == "default-src 'none'; sandbox"
    downloaded = await phone.client.get(f"/simulator/api/media/{page['document']['id']}")
    assert downloaded.headers["content-type"] == "application/octet-stream"
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    missing = await phone.client.get("/simulator/api/media/sandbox-" + "0" * 32)
    assert missing.status_code == 404
