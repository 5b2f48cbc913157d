"""A resident who has no second page says nothing: a minute later the next document is asked.

Through the whole path: the turn stores a deadline one minute ahead on the conversation row,
the reminder scan queues the timeout once it has passed, and the worker's turn asks the next
question (issue 13.7).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.conversations.models import Conversation
from app.conversations.reminders import queue_timeouts
from tests.support.corrections import apply_ktp_hilang, assert_corrected
from tests.support.loket import Loket
from tests.support.operator import filed, move
from tests.support.resident import Resident, sharp_photo, texts


async def test_silence_after_the_first_kk_page_asks_the_police_letter(
    loket: Loket, sessionmaker
) -> None:
    siti = Resident(loket)
    await siti.text("ktp sy ilang min")
    for answer in ["3201014508900003", "Siti Aminah", "3201012208150007", "Dusun Mawar RT 2 RW 1"]:
        replies = await siti.text(answer)
    assert "Silakan kirim foto Kartu Keluarga" in texts(replies)
    replies = await siti.photo("media-kk-1", sharp_photo(1))
    assert texts(replies) == (
        "Kami terima 1 foto untuk Kartu Keluarga. ✅\nAda foto lain untuk Kartu Keluarga? "
        "Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* atau tunggu 1 menit."
    )
    async with sessionmaker() as session:
        deadline = (await session.execute(select(Conversation))).scalar_one().wait_expires_at
    now = datetime.now(UTC)
    assert deadline is not None
    assert now < deadline.replace(tzinfo=deadline.tzinfo or UTC) <= now + timedelta(minutes=1)
    assert await queue_timeouts(sessionmaker, now) == 0  # the minute is not over

    replies = await siti.stay_silent()
    assert texts(replies) == (
        "Silakan kirim foto Surat kehilangan dari polisi. 📄\n"
        "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
    )


async def test_a_correction_waits_for_sudah_semua_and_is_never_sent_by_a_pause(
    loket: Loket,
) -> None:
    """The end of a corrected document sends the correction to the office: silence after its
    first page brings a reminder, not a submission."""
    siti = Resident(loket)
    ticket = await apply_ktp_hilang(siti)
    (old_kk,) = (await filed(loket, ticket)).documents["kk"]
    await move(loket, ticket, "in_review")
    await move(loket, ticket, "needs_correction", note="Mohon diperbaiki.", documents=[old_kk])
    await loket.drain()
    siti.unread()
    replies = await siti.photo("media-kk-2", sharp_photo(11))
    assert texts(replies) == (
        "Kami terima 1 foto untuk Kartu Keluarga. ✅\nAda foto lain untuk Kartu Keluarga? "
        "Kirim sekarang, atau ketuk *Sudah semua*."
    )
    offer = replies
    reminded = await siti.stay_silent()  # the usual reminder, hours later in real life
    assert texts(reminded).startswith("Bapak/Ibu masih di sana? Kami menunggu jawaban Anda.")
    assert (await filed(loket, ticket)).status == "needs_correction"
    assert_corrected(await siti.tap(offer, "Sudah semua"), ticket)
