"""The resident's way of receiving the result, through signed webhooks to the database: chosen
with the summary's yes, then changed in a sentence before processing."""

from __future__ import annotations

from sqlalchemy import select

from app.requests.home_delivery import Courier
from app.requests.models import Request
from app.requests.status import RequestStatus as S
from tests.support.lifecycle import move, sent
from tests.support.loket import Loket
from tests.support.resident import Resident, sharp_photo, texts


async def _delivery(sessionmaker) -> str:
    async with sessionmaker() as session:
        return (await session.execute(select(Request.delivery))).scalar_one()


async def test_a_lost_kk_chosen_in_the_chat_then_home_delivery(loket: Loket, sessionmaker) -> None:
    siti = Resident(loket)
    await siti.text("kk sy hilang")
    for answer in ["3201014508900003", "Siti Aminah", "3201012208150007"]:
        replies = await siti.text(answer)
    assert "Surat kehilangan dari polisi" in texts(replies)
    await siti.photo("media-letter-1", sharp_photo(1))  # one sheet: straight on
    replies = await siti.photo("media-ktp-1", sharp_photo(2))  # one card: the summary
    assert texts(replies).endswith(
        "Sudah benar? Bila ya, pilih cara menerima hasilnya: ambil di kantor, kirim lewat "
        "WhatsApp (PDF bertanda tangan elektronik) atau antar ke rumah.\n"
        "Ongkos antar dibayar pemohon kepada kurir, sesuai tarif setempat."
    )
    replies = await siti.tap(replies, "Ya, kirim lewat WA")
    ticket = next(
        line.split(": ")[1] for line in texts(replies).splitlines() if "Nomor permohonan" in line
    )
    assert await _delivery(sessionmaker) == "digital"

    await siti.tap(replies, "Tidak usah")  # the data is not kept for next time
    replies = await siti.text("eh mbak, diantar ke rumah aja deh")
    assert texts(replies).startswith(f"Ke alamat mana Kartu Keluarga (KK) nomor {ticket} diantar?")
    assert await _delivery(sessionmaker) == "digital"  # not before the courier knows where
    replies = await siti.text("Dusun Mawar RT 02/RW 01, Desa Sukamaju, dekat masjid")
    assert texts(replies) == (
        f"Baik, {ticket} nanti diantar ke Dusun Mawar RT 02/RW 01, Desa Sukamaju, dekat masjid."
    )
    assert await _delivery(sessionmaker) == "home"

    # The office sends it out: the courier's message names the address she gave.
    for status in (S.IN_REVIEW, S.PROCESSING):
        await move(loket, ticket, status)
    await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=Courier.of("Pak Budi", None))
    await loket.drain()
    told = sent(loket)[-1]["text"]["body"]
    assert told.startswith(
        f"Kartu Keluarga (KK) Anda (permohonan {ticket}) sedang diantar ke Dusun Mawar RT 02/RW "
        "01, Desa Sukamaju, dekat masjid.\nKurir: Pak Budi"
    )
