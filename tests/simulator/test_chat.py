"""The phone's screen comes from the database: it survives a restart, each number has its own
chat and name, and templates read as the resident reads them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.config import Settings
from app.db import unit_of_work, utcnow
from app.outbox.delivery import hold
from app.residents.models import Resident
from app.simulator.chat import template_view
from tests.support.clients import running
from tests.support.photos import photo_jpeg
from tests.support.simulator import Phone, Simulator

SITI, BUDI = "6281299990021", "6281299990022"
GREETING = (
    "Halo, {name} 👋 Ini layanan WhatsApp resmi Disdukcapil.\n"
    "Silakan pilih layanan yang Anda perlukan, atau ketik pertanyaan Anda."
)


async def test_the_chat_survives_a_restart(simulator: Simulator, settings: Settings) -> None:
    phone = simulator.phone(SITI, "Siti Aminah")
    await phone.text("halo")
    await phone.files("photo", [("kk.jpg", photo_jpeg(), "image/jpeg")], caption="KK saya")
    before = await phone.screen()
    assert [(i["from"], i["message"]["type"]) for i in before["items"]][:3] == [
        ("me", "text"),
        ("bot", "interactive"),
        ("me", "image"),
    ]
    assert [i["status"] for i in before["items"] if i["from"] == "me"] == ["read", "read"]

    # A new app instance on the same database and var dir: nothing comes from process memory.
    async with running(settings) as (app, client):
        again = Phone(client, app.state.runtime, SITI, "Siti Aminah")
        after = await again.screen()
        assert after == before
        photo = before["items"][2]["message"]["image"]
        shown = await client.get(f"/simulator/api/media/{photo['id']}")
        assert (shown.status_code, shown.content) == (200, photo_jpeg())


async def test_a_long_poll_answers_once_the_screen_changes(simulator: Simulator) -> None:
    phone = simulator.phone(SITI, "Siti Aminah")
    empty = await phone.screen()
    assert (empty["items"], empty["name"]) == ([], None)
    unchanged = await phone.screen(since=empty["version"], wait=0.2)
    assert unchanged == empty  # nothing happened: the same screen after the wait
    await phone.text("halo")
    changed = await phone.screen(since=empty["version"], wait=5)
    assert changed["version"] != empty["version"]
    assert [i["from"] for i in changed["items"]] == ["me", "bot"]


async def test_each_number_has_its_own_chat_and_name(simulator: Simulator) -> None:
    siti, budi = simulator.phone(SITI, "Siti Aminah"), simulator.phone(BUDI, "Budi Santoso")
    await siti.text("halo")
    await budi.text("selamat pagi")
    assert await siti.bot_texts() == [GREETING.format(name="Siti Aminah")]
    assert await budi.bot_texts() == [GREETING.format(name="Budi Santoso")]
    assert [i["message"]["text"]["body"] for i in (await budi.screen())["items"][:1]] == [
        "selamat pagi"
    ]
    # The profile name belongs to the number, and a new one is kept.
    await simulator.phone(SITI, "Siti A.").text("status")
    assert ((await siti.screen())["name"], (await budi.screen())["name"]) == (
        "Siti A.",
        "Budi Santoso",
    )
    listed = (await siti.client.get("/simulator/api/residents")).json()["items"]
    assert sorted((p["wa_id"], p["name"]) for p in listed) == [
        (SITI, "Siti A."),
        (BUDI, "Budi Santoso"),
    ]


async def test_a_template_reads_as_the_resident_sees_it_and_its_button_answers(
    simulator: Simulator,
) -> None:
    """Outside the 24-hour window an office message waits behind "loket_pesan_menunggu"; the
    resident reads its text with the ticket filled in and taps "Baca pesan" to get it."""
    phone = simulator.phone(SITI, "Siti Aminah")
    await phone.text("halo")
    async with unit_of_work(simulator.sessionmaker) as session:
        stmt = select(Resident).where(Resident.wa_id == SITI)
        resident = (await session.execute(stmt)).scalar_one()
        resident.last_inbound_at = utcnow() - timedelta(days=2)  # the window has closed
        await hold(
            session,
            resident=resident,
            bodies=[
                {
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "type": "text",
                    "text": {"body": "Mohon kirim ulang foto KK yang lebih jelas."},
                }
            ],
            ticket="KTP-261202-0001",
            now=utcnow(),
            origin="operator_reply",
        )
    await phone.drain()
    template = (await phone.screen())["items"][-1]
    assert template["template"] == {
        "name": "loket_pesan_menunggu",
        "header": None,
        "body": (
            "Ada pesan dari petugas untuk permohonan KTP-261202-0001. "
            "Ketuk tombol di bawah untuk membacanya."
        ),
        "footer": None,
        "buttons": [{"title": "Baca pesan", "payload": "held:read"}],
    }
    await phone.post(
        button={"payload": "held:read", "text": "Baca pesan"}, context_id=template["wamid"]
    )
    assert (await phone.bot_texts())[-1] == "Mohon kirim ulang foto KK yang lebih jelas."


def test_template_parameters_fill_the_approved_text_in_the_residents_language() -> None:
    body = {
        "type": "template",
        "template": {
            "name": "loket_siap_diambil",
            "language": {"code": "en"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": value}
                        for value in (
                            "ID card (KTP-el)",
                            "Kecamatan Sukamaju",
                            "Mon-Fri 08.00-15.00",
                            "482913",
                            "KTP-261202-0001",
                        )
                    ],
                }
            ],
        },
    }
    assert template_view(body) == {
        "name": "loket_siap_diambil",
        "header": None,
        "body": (
            "Your ID card (KTP-el) is ready for pickup at Kecamatan Sukamaju, Mon-Fri 08.00-15.00."
            " Show the pickup code 482913 to the officer. Request number: KTP-261202-0001."
        ),
        "footer": None,
        "buttons": [],
    }
    unknown = {"type": "template", "template": {"name": "x_baru", "language": {"code": "id"}}}
    assert template_view(unknown)["body"] == "[x_baru] "


def test_a_template_header_and_footer_are_shown(monkeypatch) -> None:
    from app.notifications.catalog import Template

    notice = Template(
        name="x_kabar",
        purpose="test",
        params=("ticket",),
        quick_reply="x:ok",
        languages={
            "id": {
                "header": "Permohonan {{1}}",
                "body": "Ada kabar untuk {{1}}.",
                "footer": "Disdukcapil",
                "button": "Lihat",
            }
        },
    )
    monkeypatch.setattr("app.simulator.chat.templates", lambda: {"x_kabar": notice})
    body = notice.body("id", {"ticket": "KK-261202-0003"})
    body["template"]["components"].insert(
        0, {"type": "header", "parameters": [{"type": "text", "text": "KK-261202-0003"}]}
    )
    assert template_view(body) == {
        "name": "x_kabar",
        "header": "Permohonan KK-261202-0003",
        "body": "Ada kabar untuk KK-261202-0003.",
        "footer": "Disdukcapil",
        "buttons": [{"title": "Lihat", "payload": "x:ok"}],
    }


async def test_a_long_chat_starts_where_both_sides_are_complete(
    simulator: Simulator, monkeypatch
) -> None:
    phone = simulator.phone(SITI, "Siti Aminah")
    for text in ("halo", "status", "terima kasih"):
        await phone.text(text)
    monkeypatch.setattr("app.simulator.repository.INBOUND_LIMIT", 2)
    items = (await phone.screen())["items"]
    assert [i["message"].get("text", {}).get("body") for i in items if i["from"] == "me"] == [
        "status",
        "terima kasih",
    ]
    assert items[0]["from"] == "me"  # nothing Loket said before "status" is shown alone
