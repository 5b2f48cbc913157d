"""A full KTP-el "hilang" request through signed webhooks, photos included, to `submitted`."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from app.intake.models import MediaJob
from app.locker.models import Document
from app.requests.models import Request, RequestDocument, RequestEvent
from tests.support.loket import Loket
from tests.support.resident import Resident, sharp_photo, texts


async def test_ktp_hilang_from_first_message_to_ticket(loket: Loket, sessionmaker) -> None:
    """'ktp sy ilang min' ends, a few messages later, in a submitted request with its photos."""
    siti = Resident(loket)
    assert "NIK" in texts(await siti.text("ktp sy ilang min"))
    replies = await siti.text("3201 0145 0890 0003")
    # The birth date and sex are read from the NIK, shown once, never asked.
    assert "Dari NIK: tanggal lahir 5 Agustus 1990, jenis kelamin perempuan." in texts(replies)
    assert "nama lengkap" in texts(replies)
    assert "nomor KK" in texts(await siti.text("Siti Aminah"))
    assert "alamat" in texts(await siti.text("3201012208150007"))
    assert "foto Kartu Keluarga" in texts(await siti.text("Jl. Melati 3 RT 01 RW 02, Sukamaju"))

    replies = await siti.photo("media-kk-1", sharp_photo(1))
    assert "Kami terima 1 foto untuk Kartu Keluarga. ✅" in texts(replies)
    replies = await siti.tap(replies, "Sudah semua")
    assert "kehilangan" in texts(replies).lower()
    replies = await siti.photo("media-hilang-1", sharp_photo(2))  # one sheet: no "Sudah semua"
    summary = texts(replies)
    assert "Siti Aminah" in summary
    # The summary stays in the chat: identity numbers show only their ends.
    assert "• NIK: 3201••••••••0003\n" in summary and "3201014508900003" not in summary
    assert "• Nomor KK: 3201••••••••0007\n" in summary and "3201012208150007" not in summary
    replies = await siti.tap(replies, "Ya, ambil di kantor")

    async with sessionmaker() as session:
        request = (await session.execute(select(Request))).scalar_one()
        assert request.service_code == "ktp"
        assert request.variant == "hilang"
        assert request.status == "submitted"
        assert request.fields["nik"] == "3201014508900003"
        assert request.fields["nama"] == "Siti Aminah"
        assert request.ticket.startswith("KTP-") and request.ticket.endswith("-0001")
        links = (await session.execute(select(RequestDocument))).scalars().all()
        assert sorted(link.requirement for link in links) == ["kk", "surat_kehilangan"]
        documents = (await session.execute(select(Document))).scalars().all()
        assert {d.status for d in documents} == {"accepted"}
        assert {d.request_ref for d in documents} == {request.ticket}
        history = (await session.execute(select(RequestEvent))).scalars().all()
        assert [(h.actor, h.to_status) for h in history] == [("resident", "submitted")]
        jobs = (await session.execute(select(MediaJob))).scalars().all()
        assert {j.state for j in jobs} == {"done"}
    confirmation = texts(replies)
    assert request.ticket in confirmation
    # The two photos were fetched from Meta with the token, once each.
    downloads = [r for r in loket.graph.requests if r.route == "media_download"]
    assert len(downloads) == 2


async def test_a_blurred_photo_is_refused_at_intake_with_the_reason(loket: Loket) -> None:
    """The resident hears at once that the photo is blurred, and is asked to send it again."""
    from PIL import ImageFilter

    siti = Resident(loket)
    for message in ["ktp sy ilang min", "3201014508900003", "Siti Aminah", "3201012208150007"]:
        await siti.text(message)
    await siti.text("Jl. Melati 3")
    blurred = Image.open(io.BytesIO(sharp_photo(3))).filter(ImageFilter.GaussianBlur(8))
    buffer = io.BytesIO()
    blurred.save(buffer, "JPEG")
    replies = await siti.photo("media-blur", buffer.getvalue())
    message = texts(replies).lower()
    assert "buram" in message or "kurang jelas" in message
