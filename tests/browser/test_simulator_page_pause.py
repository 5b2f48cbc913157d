"""In real Chromium, a resident with one page of the family card sends it and says nothing: a
minute later the simulator shows the next question by itself (issue 13.7). Slow on purpose: the
minute, the worker's reminder scan and the turn all run for real (about 70 s)."""

from __future__ import annotations

import pytest

from tests.support.browser import screenshot_path
from tests.support.phone import SimPhone, jpeg
from tests.support.photos import photo_jpeg

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MORE = (
    "Ada foto lain untuk Kartu Keluarga? Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* "
    "atau tunggu 1 menit."
)
NEXT = "Silakan kirim foto Surat kehilangan dari polisi."
# The minute, plus the reminder scan's 10 s, plus the turn: generous, never a timing assertion.
PAUSE_TIMEOUT_MS = 120_000


async def test_one_kk_page_and_silence_bring_the_next_question(page, live_server: str) -> None:
    await page.set_viewport_size(PHONE)
    phone = SimPhone(page, live_server, "6281299990177")
    await phone.open("Rahmat")
    await phone.said("Silakan ketik NIK Anda", after=await phone.type("KTP SAYA HILANG PAK"))
    for answer, asked in (
        ("3201011708900001", "Silakan ketik nama lengkap Anda"),
        ("Rahmat Hidayat", "Silakan ketik nomor KK Anda"),
        ("3201012208150007", "Silakan ketik alamat Anda"),
        ("Dusun Mawar RT 02/RW 01, Desa Sukamaju", "Silakan kirim foto Kartu Keluarga."),
    ):
        await phone.said(asked, after=await phone.type(answer))
    after = await phone.attach("photo", [jpeg("kk.jpg", photo_jpeg(7))])
    offer = await phone.said("Ada foto lain untuk Kartu Keluarga?", after=after)
    assert offer.startswith("Kami terima 1 foto untuk Kartu Keluarga. ✅")
    assert MORE.replace("*", "") in offer.replace("*", "")
    await page.screenshot(path=screenshot_path("simulator-page-pause-1-more-phone"))

    count = await phone.bot_count()
    await page.wait_for_function(
        """([after, text]) => [...document.querySelectorAll(".msg.bot")]
            .slice(after).some((bubble) => bubble.innerText.includes(text))""",
        arg=[count, NEXT],
        timeout=PAUSE_TIMEOUT_MS,
    )
    texts = await phone.bot().all_inner_texts()
    assert [t for t in texts[count:] if "Kartu Keluarga" in t or NEXT in t] == [
        next(t for t in texts[count:] if NEXT in t)
    ]  # the next question, and nothing more about the KK
    await page.screenshot(path=screenshot_path("simulator-page-pause-2-next-phone"))
