"""SIPI renewal by one message, and the expiry reminder, end to end (issue 13.8).

Ramli renews the SIPI of KM Harapan Baru by chat once and agrees that Loket keeps the boat.
The next time one message names the boat; he sends only the old SIPI and the logbook (new for
every renewal), and the summary comes a minute after the logbook's one page. The
reminder goes out 30 days before the renewed permit ends (a template: Meta's window is closed),
once; his "perpanjang" starts the renewal of that boat with its data offered.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.db import utcnow
from app.locker.models import Document
from app.memory.expiry_reminders import send_due_expiry_reminders
from app.memory.models import RememberedSubject
from app.outbox.models import OutboundMessage
from tests.support.loket import Loket
from tests.support.operator import filed, move
from tests.support.resident import Resident, sharp_photo, texts
from tests.support.sipi_renewal import BOAT_PAPERS, first_renewal, ticket_of

# What the fisher reads after one message naming the boat, or after "perpanjang".
OFFER = [
    "Kami masih menyimpan data Anda:",
    "• Kapal: KM Harapan Baru, 12 GT, Jaring insang, SIPI s.d. 31 Desember 2027; "
    "📄 Buku Kapal Perikanan, Pas kecil/pas besar",
    "• NIK pemilik: 3201••••••••0003",
    "• Nama pemilik: Daeng Ramli",
    "• Nomor HP: +6281234567890",
    "📄 NIB atau SIUP, KTP-el pemilik",
    "Pakai data ini?",
]


async def renew_by_one_message(ramli: Resident, first_text: str) -> tuple[str, int]:
    """The renewal with the boat remembered: (ticket, the resident's actions)."""
    replies = await ramli.text(first_text)
    assert texts(replies).splitlines()[-7:] == OFFER
    replies = await ramli.tap(replies, "Ya")
    replies = await ramli.photo("media-sipi-2", sharp_photo(30))
    replies = await ramli.photo("media-logbook-2", sharp_photo(31))
    replies = await ramli.stay_silent()  # one logbook page: no "Sudah semua", a minute passes
    assert texts(replies).startswith("Mohon periksa data permohonan Perpanjangan SIPI")
    replies = await ramli.tap(replies, "Ya, ambil di kantor")
    return ticket_of(replies), 5


async def test_one_message_renews_the_remembered_boat(loket: Loket, sessionmaker) -> None:
    ramli = Resident(loket)
    first = await first_renewal(ramli)
    async with sessionmaker() as session:
        boat = (await session.execute(select(RememberedSubject))).scalar_one()
    one = await filed(loket, first)
    assert (boat.kind, boat.subject_key, boat.label) == (
        "vessel",
        "harapan baru",
        "KM Harapan Baru",
    )
    assert boat.fields == {
        "nama_kapal": "KM Harapan Baru",
        "gt": 12,
        "alat_tangkap": "jaring_insang",
    }
    assert boat.documents == {key: [str(i) for i in one.documents[key]] for key in BOAT_PAPERS}
    assert boat.expires_on == date(2027, 12, 31)  # the old SIPI's end + 12 months

    second, actions = await renew_by_one_message(ramli, "perpanjang sipi KM Harapan Baru")
    # The old SIPI (one sheet) moves on by itself; the logbook, new for every renewal, may
    # have several pages: with one, the summary comes a minute later without "Sudah semua".
    assert actions == 5
    two = await filed(loket, second)
    for key in BOAT_PAPERS:
        assert two.documents[key] == one.documents[key]
    assert two.fields["ada_perubahan"] == "tidak" and "no_sipi_lama" not in two.fields

    # The boat's papers are kept for reuse while remembered; forgetting stops keeping them.
    papers = [one.documents[key][0] for key in BOAT_PAPERS]
    assert await _kept(sessionmaker, papers) == [True, True]
    await ramli.text("lupakan data saya")
    assert await _kept(sessionmaker, papers) == [False, False]
    async with sessionmaker() as session:
        assert (await session.execute(select(RememberedSubject))).scalars().all() == []


async def _kept(sessionmaker, ids: list[int]) -> list[bool]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Document.keep_for_reuse).where(Document.id.in_(ids)).order_by(Document.id)
        )
        return list(rows.scalars())


async def test_the_expiry_reminder_goes_out_once_and_perpanjang_renews(
    loket: Loket, sessionmaker
) -> None:
    ramli = Resident(loket)
    first = await first_renewal(ramli)
    runtime = loket.runtime
    options = {"catalog": runtime.catalog, "settings": runtime.settings}

    # While the renewal is open, no reminder about the same boat.
    month_before = datetime(2027, 12, 1, 2, 0, tzinfo=UTC)  # 09.00 WIB, 30 days before
    assert await send_due_expiry_reminders(runtime.sessionmaker, month_before, **options) == 0
    async with sessionmaker() as session:
        boat = (await session.execute(select(RememberedSubject))).scalar_one()
        # Marked as reminded for this permit: a renewal was under way.
        assert boat.reminded_for == date(2027, 12, 31)
        boat.reminded_for = None
        await session.commit()
    await move(loket, first, "rejected", note="Uji")
    await loket.drain()
    ramli.unread()

    day_early = datetime(2027, 11, 30, 2, 0, tzinfo=UTC)
    assert await send_due_expiry_reminders(runtime.sessionmaker, day_early, **options) == 0
    night = datetime(2027, 11, 30, 20, 0, tzinfo=UTC)  # 03.00 WIB on 1 December
    assert await send_due_expiry_reminders(runtime.sessionmaker, night, **options) == 0
    assert await send_due_expiry_reminders(runtime.sessionmaker, month_before, **options) == 1
    assert await send_due_expiry_reminders(runtime.sessionmaker, month_before, **options) == 0
    async with sessionmaker() as session:
        stmt = select(OutboundMessage).where(OutboundMessage.origin == "template:expiry_reminder")
        (reminder,) = (await session.execute(stmt)).scalars().all()
    # Queued for the clock of the job (a year ahead of the sender's here): its body is checked.
    assert (reminder.kind, reminder.body["type"]) == ("template", "template")
    template = reminder.body["template"]
    assert template["name"] == "loket_pengingat_perpanjang"
    body = next(c for c in template["components"] if c["type"] == "body")
    assert [p["text"] for p in body["parameters"]] == [
        "Perpanjangan SIPI",
        "KM Harapan Baru",
        "31 Desember 2027",
    ]

    async with sessionmaker() as session:  # the sender's clock reaches the job's: it goes out
        row = await session.get(OutboundMessage, reminder.id)
        assert row is not None
        row.next_attempt_at = utcnow()
        await session.commit()
    await loket.drain()
    (sent,) = ramli.unread()
    assert sent["template"]["name"] == "loket_pengingat_perpanjang"

    replies = await ramli.text("perpanjang")
    lines = texts(replies).splitlines()
    assert lines[0] == "Baik, kami bantu permohonan Perpanjangan SIPI."
    assert lines[-7:] == OFFER


async def test_the_old_sipis_photo_answers_the_offer_in_five_actions(
    loket: Loket, sessionmaker
) -> None:
    """He sends only what changed: the old SIPI's photo stands for "Ya"."""
    ramli = Resident(loket)
    first = await first_renewal(ramli)
    await move(loket, first, "rejected", note="Uji")
    await loket.drain()
    replies = await ramli.text("perpanjang sipi KM Harapan Baru")
    assert texts(replies).splitlines()[-7:] == OFFER
    replies = await ramli.photo("media-sipi-3", sharp_photo(32))
    assert texts(replies).splitlines()[:2] == [
        "Baik, data yang tersimpan kami pakai.",
        "Kami terima 1 foto untuk SIPI lama. ✅",
    ]
    replies = await ramli.photo("media-logbook-3", sharp_photo(33))
    replies = await ramli.tap(replies, "Sudah semua")
    replies = await ramli.tap(replies, "Ya, ambil di kantor")
    renewed = await filed(loket, ticket_of(replies))  # 5 actions: message, 2 photos, 2 taps
    assert sorted(renewed.documents) == sorted(
        ["sipi_lama", *BOAT_PAPERS, "nib", "ktp_pemilik", "logbook"]
    )
