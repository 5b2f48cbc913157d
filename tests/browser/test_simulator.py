"""The simulator page in real headless Chromium: lists and buttons, what else a phone sends (an
album, a document, a voice note, a location) and templates as residents read them."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from app.bot import messages
from app.bot.sandbox_media import SandboxMedia
from app.config import Settings
from app.db import unit_of_work, utcnow
from app.inbox.models import InboundEvent
from app.outbox.delivery import hold
from app.outbox.service import enqueue
from app.residents.models import Resident
from tests.support.browser import screenshot_path
from tests.support.phone import SimPhone, jpeg, upload
from tests.support.photos import photo_jpeg, photo_png

pytestmark = pytest.mark.browser

WA_ID = "6281299990001"
PHONE = {"width": 390, "height": 844}
ASK_KK = "Silakan kirim foto Kartu Keluarga."


async def _up_to_the_family_card(base: str) -> None:
    """The first answers of a KTP-el request, sent on the simulator's API before the page opens."""
    async with httpx.AsyncClient(base_url=base, timeout=20) as client:
        for text in (
            "mau bikin ktp baru",
            "3201014508900003",
            "Siti Aminah",
            "3201012208150007",
            "belum kawin",
            "Dusun Mawar RT 02/RW 01, Desa Sukamaju",
        ):
            sent = await client.post(
                "/simulator/api/messages", json={"wa_id": WA_ID, "name": "Siti", "text": text}
            )
            assert sent.status_code == 200, sent.text


async def _events(sessionmaker, kind: str) -> list[dict]:
    async with sessionmaker() as session:
        rows = (await session.execute(select(InboundEvent).order_by(InboundEvent.id))).scalars()
        messages = [r.payload.get("message") or {} for r in rows]
    return [m for m in messages if m.get("type") == kind]


async def test_the_menu_is_a_list_that_opens_and_buttons_answer(page, live_server: str) -> None:
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Siti Aminah")
    after = await phone.type("halo")
    await phone.said("Halo, Siti Aminah 👋", after=after)
    # The resident's bubble turns blue-ticked once Loket marks it read.
    await page.locator(".msg.me .ticks.read").first.wait_for(timeout=15_000)
    await page.click(".row-bot .list-open")
    rows = await page.locator("#list-sheet .list-row").all_inner_texts()
    assert rows[0].split("\n") == [
        "KTP-el",
        "KTP-el baru, hilang, rusak, perubahan data, atau pindah datang",
    ]
    await page.screenshot(path=screenshot_path("simulator-menu"))
    await page.locator("#list-sheet .cancel").click()

    after = await phone.pick("KTP-el")
    await phone.said("Permohonan KTP-el untuk keperluan apa?", after=after)
    after = await phone.pick("KTP-el hilang")
    await phone.said("Silakan ketik NIK Anda", after=after)
    assert (await phone.mine())[-2:] == ["KTP-el", "KTP-el hilang"]
    await page.screenshot(path=screenshot_path("simulator-service-started"))


async def test_an_invalid_number_is_refused_with_a_message(page, live_server: str) -> None:
    """The page explains a refused send instead of failing silently."""
    await page.goto(f"{live_server}/simulator")
    await page.fill("#wa_id", "12")
    await page.dispatch_event("#wa_id", "change")
    await page.fill("#text", "halo")
    await page.press("#text", "Enter")
    await page.wait_for_function("document.getElementById('error').textContent.length > 0")
    assert "Periksa nomor" in await page.locator("#error").inner_text()


async def test_an_album_arrives_as_several_image_messages_in_one_go(
    page, live_server: str, sessionmaker
) -> None:
    await _up_to_the_family_card(live_server)
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open()
    await phone.said(ASK_KK)
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    files = [jpeg("depan.jpg", photo_jpeg(3)), upload("belakang.png", photo_png(4), "image/png")]
    after = await phone.attach("photo", files, caption="Depan dan belakang")
    await phone.said("Kami terima 2 foto untuk Kartu Keluarga. ✅", after=after)
    assert posts == [f"{live_server}/simulator/api/media"]  # one delivery, two messages
    images = await _events(sessionmaker, "image")
    assert [(m["image"]["mime_type"], m["image"].get("caption")) for m in images] == [
        ("image/jpeg", "Depan dan belakang"),
        ("image/png", None),
    ]
    assert images[0]["timestamp"] == images[1]["timestamp"]
    await page.screenshot(path=screenshot_path("simulator-album-phone"))


async def test_a_file_that_is_not_a_photo_is_refused_with_the_reason(
    page, live_server: str
) -> None:
    await _up_to_the_family_card(live_server)
    phone = SimPhone(page, live_server, WA_ID)
    await page.set_viewport_size(PHONE)
    await phone.open()
    await phone.said(ASK_KK)
    after = await phone.attach("document", [upload("catatan.txt", b"bukan KK", "text/plain")])
    reason = await phone.said("harus dikirim sebagai", after=after)
    assert reason.startswith(
        "Kartu Keluarga harus dikirim sebagai foto atau file PDF. Silakan kirim ulang."
    )
    assert await page.locator(".msg.me .doc-name").last.inner_text() == "catatan.txt"
    await page.screenshot(path=screenshot_path("simulator-refused-file-phone"))


async def test_a_voice_note_is_recorded_and_sent(page, live_server: str, sessionmaker) -> None:
    phone = SimPhone(page, live_server, WA_ID)
    await phone.open("Siti Aminah")
    await phone.said("Silakan ketik NIK Anda", after=await phone.type("mau bikin ktp baru"))
    before = await phone.bot_count()
    await page.click("#record")  # Chromium's fake microphone plays a tone
    await page.locator("#record.recording").wait_for(timeout=10_000)
    await page.wait_for_timeout(1200)
    await page.click("#record")
    await phone.said("Maaf, kami belum bisa mendengarkan pesan suara.", after=before)
    assert await page.locator(".msg.me .voice audio").count() == 1
    (voice,) = await _events(sessionmaker, "audio")
    assert voice["audio"]["voice"] is True
    assert voice["audio"]["mime_type"].startswith("audio/webm")

    # Without a microphone, an audio file picked from the computer goes as a voice note too.
    after = await phone.attach(
        "voice", [upload("rekaman.ogg", b"OggS\x00\x02" + bytes(200), "audio/ogg")]
    )
    await phone.said("Maaf, kami belum bisa mendengarkan pesan suara.", after=after)
    picked = (await _events(sessionmaker, "audio"))[-1]["audio"]
    assert (picked["mime_type"], picked["voice"]) == ("audio/ogg", True)


async def test_a_location_is_sent_from_the_form(page, live_server: str, sessionmaker) -> None:
    phone = SimPhone(page, live_server, WA_ID)
    await page.set_viewport_size(PHONE)
    await phone.open("Siti Aminah")
    await phone.said("Silakan ketik NIK Anda", after=await phone.type("mau bikin ktp baru"))
    before = await phone.bot_count()
    await page.click("#attach")
    await page.click("#open-location")
    await page.fill("#loc-lat", "-5.2245")
    await page.fill("#loc-lng", "120.2612")
    await page.fill("#loc-name", "Rumah Siti")
    await page.fill("#loc-address", "Dusun Mawar, Desa Sukamaju")
    await page.screenshot(path=screenshot_path("simulator-location-form-phone"))
    await page.click("#location-send")
    await phone.said("Silakan ketik NIK Anda", after=before)
    shown = await page.locator(".msg.me .location").last.inner_text()
    assert shown.split("\n") == ["Rumah Siti", "Dusun Mawar, Desa Sukamaju", "-5.22450, 120.26120"]
    (location,) = await _events(sessionmaker, "location")
    assert location["location"] == {
        "latitude": -5.2245,
        "longitude": 120.2612,
        "name": "Rumah Siti",
        "address": "Dusun Mawar, Desa Sukamaju",
    }


async def test_a_template_reads_with_its_parameters_and_its_button_answers(
    page, live_server: str, sessionmaker
) -> None:
    phone = SimPhone(page, live_server, WA_ID)
    await page.set_viewport_size(PHONE)
    await phone.open("Siti Aminah")
    await phone.said("Halo, Siti Aminah", after=await phone.type("halo"))
    before = await phone.bot_count()
    async with unit_of_work(sessionmaker) as session:
        stmt = select(Resident).where(Resident.wa_id == WA_ID)
        resident = (await session.execute(stmt)).scalar_one()
        resident.last_inbound_at = utcnow() - timedelta(days=2)  # the 24-hour window closed
        text = {"body": "Mohon kirim ulang foto KK yang lebih jelas."}
        body = {"messaging_product": "whatsapp", "type": "text", "text": text}
        await hold(
            session,
            resident=resident,
            bodies=[body],
            ticket="KTP-261202-0001",
            now=utcnow(),
            origin="operator_reply",
        )
    template = await phone.said("Ada pesan dari petugas", after=before)
    assert template.split("\n")[0] == (
        "Ada pesan dari petugas untuk permohonan KTP-261202-0001. "
        "Ketuk tombol di bawah untuk membacanya."
    )
    await page.screenshot(path=screenshot_path("simulator-template-phone"))
    after = await phone.tap("Baca pesan")
    await phone.said("Mohon kirim ulang foto KK yang lebih jelas.", after=after)
    (tap,) = await _events(sessionmaker, "button")
    assert tap["button"] == {"payload": "held:read", "text": "Baca pesan"}
    assert tap["context"]["id"].startswith("wamid.SANDBOX")


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


async def test_files_from_loket_render_as_attachments(
    page, live_server: str, settings: Settings, sessionmaker
) -> None:
    phone = SimPhone(page, live_server, WA_ID)
    await page.set_viewport_size(PHONE)
    await phone.open("Siti Aminah")
    await phone.said("Halo, Siti Aminah", after=await phone.type("halo"))
    before = await phone.bot_count()
    media = SandboxMedia(settings.var_dir / "sandbox-media")
    issued = _pdf()
    pdf = media.add(io.BytesIO(issued), want="document", filename="ktp.pdf")
    photo = media.add(io.BytesIO(photo_jpeg(7)), want="photo")
    async with unit_of_work(sessionmaker) as session:
        stmt = select(Resident).where(Resident.wa_id == WA_ID)
        resident = (await session.execute(stmt)).scalar_one()
        bodies = [
            messages.document(
                media_id=pdf.media_id, filename="KTP-el Siti Aminah.pdf", caption="KTP-el Anda"
            ),
            messages.image(media_id=photo.media_id, caption="Contoh foto yang jelas"),
        ]
        await enqueue(session, resident=resident, bodies=bodies)
    document = await phone.said("KTP-el Anda", after=before)
    assert document.split("\n")[:2] == ["KTP-el Siti Aminah.pdf", "KTP-el Anda"]
    card = page.locator(".msg.bot .doc-card").last
    opened = await page.request.get(await card.evaluate("a => a.href"))
    assert (opened.status, opened.headers["content-type"]) == (200, "application/pdf")
    assert await opened.body() == issued
    await phone.said("Contoh foto yang jelas", after=before)
    image = page.locator(".msg.bot img.photo").last
    await image.evaluate("img => img.decode()")
    assert await image.evaluate("img => img.naturalWidth") == 800
    await page.screenshot(path=screenshot_path("simulator-attachments-phone"))
