"""Corrections of a SIPI renewal end to end, on a fisher's second request.

The second renewal reuses the boat's papers from the locker (Buku Kapal Perikanan, pas kecil,
NIB, the owner's KTP-el) and sends the old SIPI and the logbook fresh. The operator then asks
for a field, a fresh document, a reused document, or a field and a reused document at once (the
walkthrough that lost the correction with "UNIQUE constraint failed: request_document").
"""

from __future__ import annotations

from tests.support.corrections import assert_corrected
from tests.support.loket import Loket
from tests.support.operator import filed, move
from tests.support.resident import Resident, sharp_photo, texts

REUSABLE = ["bkp", "pas_kapal", "nib", "ktp_pemilik"]
FRESH = ["sipi_lama", "logbook"]


async def renew_sipi(ramli: Resident, round_: int) -> str:
    """A SIPI renewal by chat; from the second one on the boat's papers come from the locker."""
    replies = []
    for message in ["perpanjang sipi", "3201014508900003", "Daeng Ramli", "081234567890"]:
        replies = await ramli.text(message)
    await ramli.text("KM Harapan Baru")
    replies = await ramli.text("12")
    replies = await ramli.tap(replies, "Jaring insang")
    await ramli.text(f"SIPI/{round_}/2025")
    replies = await ramli.text("31-12-2026")
    replies = await ramli.tap(replies, "Tidak")
    for index, key in enumerate(["sipi_lama", *REUSABLE, "logbook"]):
        if round_ > 1 and key in REUSABLE:
            assert "Kami masih menyimpan" in texts(replies)
            replies = await ramli.tap(replies, "Pakai yang ada")
            continue
        replies = await ramli.photo(f"media-{key}-{round_}", sharp_photo(10 * round_ + index))
        if key not in ("sipi_lama", "ktp_pemilik"):  # one sheet, one card: they go straight on
            replies = await ramli.tap(replies, "Sudah semua")
    replies = await ramli.tap(replies, "Ya, ambil di kantor")
    return next(
        line.split(": ")[1]
        for line in texts(replies).splitlines()
        if line.startswith("Nomor permohonan: ")
    )


async def second_renewal(loket: Loket) -> tuple[Resident, str, str]:
    """Ramli renews twice; the second request is in review. (resident, first, second)."""
    ramli = Resident(loket)
    first = await renew_sipi(ramli, 1)
    second = await renew_sipi(ramli, 2)
    await move(loket, second, "in_review")
    await loket.drain()
    ramli.unread()
    return ramli, first, second


async def ask_correction(loket: Loket, ramli: Resident, ticket: str, **named) -> str:
    await move(loket, ticket, "needs_correction", note=None, **named)
    await loket.drain()
    return texts(ramli.unread())


async def test_the_second_renewal_reuses_the_boat_papers(loket: Loket) -> None:
    _, first, second = await second_renewal(loket)
    one, two = await filed(loket, first), await filed(loket, second)
    assert sorted(two.documents) == sorted([*FRESH, *REUSABLE])
    for key in REUSABLE:
        assert two.documents[key] == one.documents[key]
        assert two.reused[two.documents[key][0]] is True
    for key in FRESH:
        assert two.documents[key] != one.documents[key]
        assert two.reused[two.documents[key][0]] is False


async def test_a_field_only_correction(loket: Loket) -> None:
    ramli, _, ticket = await second_renewal(loket)
    before = await filed(loket, ticket)

    asked = await ask_correction(loket, ramli, ticket, fields=["nama_kapal"])
    assert asked.splitlines() == [
        f"Petugas meminta perbaikan untuk permohonan {ticket}.",
        "Yang perlu diperbaiki: Nama kapal.",
        "Nama kapal?",
    ]
    replies = await ramli.text("KM Harapan Jaya")

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    assert after.status == "in_review"
    assert after.fields == {**before.fields, "nama_kapal": "KM Harapan Jaya"}
    assert after.documents == before.documents
    assert after.history[-1] == ("resident", "in_review", "corrected")


async def test_a_fresh_document_correction(loket: Loket) -> None:
    ramli, _, ticket = await second_renewal(loket)
    before = await filed(loket, ticket)
    (old_logbook,) = before.documents["logbook"]

    asked = await ask_correction(loket, ramli, ticket, documents=[old_logbook])
    assert "Yang perlu diperbaiki: Logbook penangkapan." in asked
    assert "Silakan kirim foto Logbook penangkapan. 📄" in asked
    replies = await ramli.photo("media-logbook-fix", sharp_photo(91))
    replies = await ramli.tap(replies, "Sudah semua")

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    (new_logbook,) = after.documents["logbook"]
    assert new_logbook != old_logbook
    assert after.documents == {**before.documents, "logbook": [new_logbook]}
    assert after.fields == before.fields
    assert after.status == "in_review"


async def test_a_reused_document_correction(loket: Loket) -> None:
    ramli, first, ticket = await second_renewal(loket)
    before = await filed(loket, ticket)
    (reused_bkp,) = before.documents["bkp"]

    asked = await ask_correction(loket, ramli, ticket, documents=[reused_bkp])
    assert "Yang perlu diperbaiki: Buku Kapal Perikanan." in asked
    # The operator found the stored book wanting: a new photo is asked, not the locker's offer.
    assert "Kami masih menyimpan" not in asked
    replies = await ramli.photo("media-bkp-fix", sharp_photo(92))
    replies = await ramli.tap(replies, "Sudah semua")

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    (new_bkp,) = after.documents["bkp"]
    assert new_bkp != reused_bkp
    assert after.documents == {**before.documents, "bkp": [new_bkp]}
    assert after.reused[new_bkp] is False
    assert after.status == "in_review"
    assert (await filed(loket, first)).documents["bkp"] == [reused_bkp]


async def test_a_field_and_a_reused_document_at_once(loket: Loket) -> None:
    """The walkthrough: a new value typed, a new photo sent, "Sudah semua" tapped."""
    ramli, _, ticket = await second_renewal(loket)
    before = await filed(loket, ticket)
    (reused_pass,) = before.documents["pas_kapal"]

    asked = await ask_correction(loket, ramli, ticket, fields=["gt"], documents=[reused_pass])
    assert "Yang perlu diperbaiki: Ukuran kapal (GT), Pas kecil/pas besar." in asked
    assert asked.endswith("Berapa GT ukuran kapal? Contoh: 12")
    replies = await ramli.text("14")
    assert "Silakan kirim foto Pas kecil/pas besar. 📄" in texts(replies)
    replies = await ramli.photo("media-pas-fix", sharp_photo(93))
    replies = await ramli.tap(replies, "Sudah semua")

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    (new_pass,) = after.documents["pas_kapal"]
    assert new_pass != reused_pass
    assert after.documents == {**before.documents, "pas_kapal": [new_pass]}
    assert after.fields == {**before.fields, "gt": 14}
    assert after.status == "in_review"
    assert after.last_data == {"fields": ["gt"], "attached": [new_pass], "detached": [reused_pass]}
