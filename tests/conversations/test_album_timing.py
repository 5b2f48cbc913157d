"""Two files a few seconds apart: an album when sent together, two answers when the second was
picked after the bot asked for it (Meta's timestamps in seconds, as WhatsApp stamps them)."""

from __future__ import annotations

from tests.support.loket import Loket
from tests.support.resident import READING_SECONDS, Resident, sharp_photo, texts


async def _up_to_the_police_letter(siti: Resident) -> None:
    await siti.text("kk sy hilang")
    for answer in ["3201014508900003", "Siti Aminah", "3201012208150007"]:
        replies = await siti.text(answer)
    assert "Surat kehilangan dari polisi" in texts(replies)


async def test_a_photo_picked_after_the_next_question_answers_it(loket: Loket) -> None:
    siti = Resident(loket)
    await _up_to_the_police_letter(siti)
    replies = await siti.photo("media-letter", sharp_photo(1))  # one sheet: straight on
    assert texts(replies).endswith("Silakan kirim foto KTP-el. 📄\nKirim sebagai foto.")
    siti.sent_at -= READING_SECONDS - 3  # a quick resident: three seconds later
    replies = await siti.photo("media-ktp", sharp_photo(2))
    assert texts(replies).startswith("Kami terima 1 foto untuk KTP-el. ✅\nMohon periksa data")


async def test_two_photos_stamped_in_the_same_second_stay_one_album(loket: Loket) -> None:
    """The second of two photos sent together, arriving after the bot answered the first, is
    still the first one's album: one sheet wanted, the extra is not taken as the KTP-el."""
    siti = Resident(loket)
    await _up_to_the_police_letter(siti)
    await siti.photo("media-letter-1", sharp_photo(1))
    siti.sent_at -= READING_SECONDS  # the same second
    replies = await siti.photo("media-letter-2", sharp_photo(2))
    assert texts(replies) == (
        "Untuk Surat kehilangan dari polisi cukup 1 file. File tambahan tidak kami pakai."
    )
