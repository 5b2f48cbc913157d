"""The first SIPI renewal of Daeng Ramli, by chat, every question asked: the start of the
tests that renew the same boat again from memory."""

from __future__ import annotations

from tests.support.resident import Resident, sharp_photo, texts

# The boat's own papers: what a later renewal of the same boat reuses.
BOAT_PAPERS = ["bkp", "pas_kapal"]


async def first_renewal(ramli: Resident) -> str:
    """The first renewal, every question asked; he agrees that the data is kept."""
    for message in ["perpanjang sipi", "3201014508900003", "Daeng Ramli", "081234567890"]:
        await ramli.text(message)
    await ramli.text("KM Harapan Baru")
    replies = await ramli.text("12")
    replies = await ramli.tap(replies, "Jaring insang")
    await ramli.text("SIPI/1/2025")
    replies = await ramli.text("31-12-2026")
    replies = await ramli.tap(replies, "Tidak")
    for index, key in enumerate(["sipi_lama", "bkp", "pas_kapal", "nib", "ktp_pemilik", "logbook"]):
        replies = await ramli.photo(f"media-{key}-1", sharp_photo(10 + index))
        if key not in ("sipi_lama", "ktp_pemilik"):  # one sheet, one card: they go straight on
            replies = await ramli.tap(replies, "Sudah semua")
    replies = await ramli.tap(replies, "Ya, ambil di kantor")
    ticket = ticket_of(replies)
    replies = await ramli.tap(replies, "Ya, simpan")
    return ticket


def ticket_of(replies: list[dict]) -> str:
    """The ticket number the submission reply names."""
    return next(
        line.split(": ")[1]
        for line in texts(replies).splitlines()
        if line.startswith("Nomor permohonan: ")
    )
