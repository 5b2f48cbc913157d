"""Corrections of a KTP-el request end to end: the operator asks, the resident answers by chat.

Every kind of correction: a field only, a fresh document, both at once, and a document that was
reused from the locker (a second KTP-el request reuses the Kartu Keluarga of the first). The
file must end up with the new answers and documents (a replaced document swapped, never doubled),
back in review, and the resident must hear that the correction arrived.
"""

from __future__ import annotations

from tests.support.corrections import apply_ktp_hilang, assert_corrected
from tests.support.loket import Loket
from tests.support.operator import filed, held_for, move
from tests.support.resident import Resident, sharp_photo, texts

NEW_ADDRESS = "Dusun Mawar RT 02/RW 01, Desa Sukamaju"
ASK_ADDRESS = "Silakan ketik alamat Anda (jalan/dusun, RT/RW, desa/kelurahan)."


async def ask_correction(loket: Loket, siti: Resident, ticket: str, **named) -> str:
    """The operator reviews the request and asks for a correction; what the resident reads."""
    await move(loket, ticket, "in_review")
    await loket.drain()
    assert texts(siti.unread()) == f"Permohonan {ticket} (KTP-el) sedang diperiksa petugas."
    await move(loket, ticket, "needs_correction", note="Mohon diperbaiki.", **named)
    await loket.drain()
    return texts(siti.unread())


async def test_a_field_only_correction_updates_the_field_and_keeps_the_documents(
    loket: Loket,
) -> None:
    siti = Resident(loket)
    ticket = await apply_ktp_hilang(siti)
    before = await filed(loket, ticket)

    asked = await ask_correction(loket, siti, ticket, fields=["alamat"])
    assert asked.splitlines() == [
        f"Petugas meminta perbaikan untuk permohonan {ticket}.",
        "Catatan petugas: Mohon diperbaiki.",
        "Yang perlu diperbaiki: Alamat.",
        ASK_ADDRESS,
    ]
    replies = await siti.text(NEW_ADDRESS)

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    assert after.status == "in_review"
    assert after.fields == {**before.fields, "alamat": NEW_ADDRESS}
    assert after.documents == before.documents
    assert after.last_data == {"fields": ["alamat"], "attached": [], "detached": []}
    assert after.history[-2:] == [
        ("operator:budi", "needs_correction", "Mohon diperbaiki."),
        ("resident", "in_review", "corrected"),
    ]


async def test_a_fresh_document_is_swapped_for_the_one_named(loket: Loket) -> None:
    siti = Resident(loket)
    ticket = await apply_ktp_hilang(siti)
    before = await filed(loket, ticket)
    (old_kk,) = before.documents["kk"]

    asked = await ask_correction(loket, siti, ticket, documents=[old_kk])
    assert "Yang perlu diperbaiki: Kartu Keluarga." in asked
    assert "Silakan kirim foto Kartu Keluarga" in asked
    replies = await siti.photo("media-kk-2", sharp_photo(11))
    assert "Kami terima 1 foto untuk Kartu Keluarga. ✅" in texts(replies)
    replies = await siti.tap(replies, "Sudah semua")

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    (new_kk,) = after.documents["kk"]
    assert new_kk != old_kk
    assert after.documents == {**before.documents, "kk": [new_kk]}
    assert after.reused[new_kk] is False
    assert after.fields == before.fields
    assert after.status == "in_review"
    assert after.last_data == {"fields": [], "attached": [new_kk], "detached": [old_kk]}
    # The locker keeps the new photo for the request; the replaced one counts toward retention.
    assert await held_for(loket, [old_kk, new_kk]) == {
        old_kk: (ticket, True),
        new_kk: (ticket, False),
    }


async def test_a_field_and_a_document_at_once(loket: Loket) -> None:
    siti = Resident(loket)
    ticket = await apply_ktp_hilang(siti)
    before = await filed(loket, ticket)
    (old_letter,) = before.documents["surat_kehilangan"]

    asked = await ask_correction(loket, siti, ticket, fields=["alamat"], documents=[old_letter])
    assert "Yang perlu diperbaiki: Alamat, Surat kehilangan dari polisi." in asked
    assert asked.endswith(ASK_ADDRESS)
    replies = await siti.text(NEW_ADDRESS)
    assert "Silakan kirim foto Surat kehilangan dari polisi" in texts(replies)
    replies = await siti.photo("media-hilang-2", sharp_photo(12))  # one sheet: no "Sudah semua"
    assert texts(replies[:1]) == "Kami terima 1 foto untuk Surat kehilangan dari polisi. ✅"
    assert_corrected(replies[1:], ticket)
    after = await filed(loket, ticket)
    (new_letter,) = after.documents["surat_kehilangan"]
    assert new_letter != old_letter
    assert after.documents == {**before.documents, "surat_kehilangan": [new_letter]}
    assert after.fields == {**before.fields, "alamat": NEW_ADDRESS}
    assert after.status == "in_review"


async def test_a_document_reused_from_the_locker_is_swapped_for_a_fresh_photo(
    loket: Loket,
) -> None:
    siti = Resident(loket)
    first = await apply_ktp_hilang(siti)
    ticket = await apply_ktp_hilang(siti, first=False)
    before = await filed(loket, ticket)
    (reused_kk,) = before.documents["kk"]
    assert (await filed(loket, first)).documents["kk"] == [reused_kk]
    assert before.reused[reused_kk] is True

    asked = await ask_correction(loket, siti, ticket, documents=[reused_kk])
    assert "Yang perlu diperbaiki: Kartu Keluarga." in asked
    replies = await siti.photo("media-kk-3", sharp_photo(13))
    replies = await siti.tap(replies, "Sudah semua")

    assert_corrected(replies, ticket)
    after = await filed(loket, ticket)
    (new_kk,) = after.documents["kk"]
    assert new_kk != reused_kk
    assert after.documents == {**before.documents, "kk": [new_kk]}
    assert after.reused[new_kk] is False
    assert after.status == "in_review"
    # The first request still holds the Kartu Keluarga it was filed with.
    assert (await filed(loket, first)).documents["kk"] == [reused_kk]
