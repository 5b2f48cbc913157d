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
from tests.support.loket import Loket
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
