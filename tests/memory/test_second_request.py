"""Memory across requests end to end, stored on the database under test (issue 13.6).

A resident files a KTP-el request, agrees that Loket keeps the data, and files a KK request:
one "Pakai data ini?" replaces the NIK, the name, the KK number and the KK photo. Then they say
"hapus data saya" and everything kept is gone.
"""

from __future__ import annotations

from sqlalchemy import select

from app.locker.models import Document
from app.memory.models import RememberedSubject, ResidentMemory
from app.requests.models import Request
from tests.support.loket import Loket
from tests.support.operator import filed
from tests.support.resident import Resident, sharp_photo, texts


async def ktp_lost(siti: Resident) -> list[dict]:
    """A KTP-el "hilang" request by chat, up to the question about keeping the data."""
    await siti.text("ktp sy ilang min")
    await siti.text("3201 0145 0890 0003")
    await siti.text("Siti Aminah")  # the birth date and sex come from the NIK
    await siti.text("3201012208150007")
    await siti.text("Jl. Melati 3 RT 01 RW 02, Sukamaju")
    replies = await siti.photo("media-kk-1", sharp_photo(1))
    await siti.tap(replies, "Sudah semua")
    replies = await siti.photo("media-hilang-1", sharp_photo(2))  # one sheet: on to the summary
    return await siti.tap(replies, "Ya, ambil di kantor")


async def test_a_second_request_reuses_what_the_resident_agreed_to_keep(
    loket: Loket, sessionmaker
) -> None:
    siti = Resident(loket)
    replies = await ktp_lost(siti)
    assert "Boleh kami simpan data Anda" in texts(replies)
    replies = await siti.tap(replies, "Ya, simpan")
    assert texts(replies).startswith("Baik, data Anda kami simpan")
    async with sessionmaker() as session:
        kept = (await session.execute(select(ResidentMemory))).scalar_one()
        assert kept.consent == "granted" and kept.decided_at is not None
        assert kept.person == {
            "nik": "3201014508900003",
            "name": "Siti Aminah",
            "kk": "3201012208150007",
            "address": "Jl. Melati 3 RT 01 RW 02, Sukamaju",
        }

    sent = 0
    replies = await siti.text("mau tambah anggota kk, anak saya baru lahir")
    sent += 1
    assert texts(replies).splitlines()[-6:] == [
        "Kami masih menyimpan data Anda:",
        "• NIK: 3201••••••••0003",
        "• Nama lengkap: Siti Aminah",
        "• Nomor KK: 3201••••••••0007",
        "📄 Kartu Keluarga",
        "Pakai data ini?",
    ]
    replies = await siti.tap(replies, "Ya")
    replies = await siti.tap(replies, "Kelahiran")
    replies = await siti.text("Nur Aisyah")
    replies = await siti.photo("media-akta-1", sharp_photo(3))
    replies = await siti.tap(replies, "Sudah semua")
    replies = await siti.tap(replies, "Ya, ambil di kantor")
    sent += 6
    assert "Nomor permohonan: KK-" in texts(replies)
    assert "Boleh kami simpan" not in texts(replies)  # asked once only
    assert sent == 7  # issue 13: a second request by the same resident in at most 7

    async with sessionmaker() as session:
        requests = (await session.execute(select(Request).order_by(Request.id))).scalars().all()
    ktp, kk = requests
    assert kk.fields == {
        "nik": "3201014508900003",
        "nama": "Siti Aminah",
        "no_kk": "3201012208150007",
        "alasan_tambah": "kelahiran",
        "nama_anggota": "Nur Aisyah",
    }
    first, second = await filed(loket, ktp.ticket), await filed(loket, kk.ticket)
    assert second.documents["kk_lama"] == first.documents["kk"]


async def test_hapus_data_saya_forgets_everything_kept(loket: Loket, sessionmaker) -> None:
    siti = Resident(loket)
    await siti.tap(await ktp_lost(siti), "Ya, simpan")
    async with sessionmaker() as session:
        kept_documents = (
            (await session.execute(select(Document).where(Document.keep_for_reuse))).scalars().all()
        )
    assert kept_documents == []  # nothing was reused yet, so nothing was marked

    replies = await siti.text("tolong hapus data saya")
    assert texts(replies) == (
        "Data Anda yang kami simpan untuk permohonan berikutnya sudah kami hapus. "
        "Permohonan yang sedang berjalan tetap kami proses."
    )
    async with sessionmaker() as session:
        kept = (await session.execute(select(ResidentMemory))).scalar_one()
        assert (kept.consent, kept.person) == ("withdrawn", {})
        assert (await session.execute(select(RememberedSubject))).scalars().all() == []
    replies = await siti.text("kk saya hilang")
    assert texts(replies).splitlines()[-1] == "Silakan ketik NIK Anda (16 angka)."
