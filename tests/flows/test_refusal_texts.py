"""Every reason the locker can refuse a file for reaches the resident as its own sentence.

The locker's reason codes (`app.locker.reasons.Reason`) are what the media worker hands the engine
in `DocumentChecked.reason`; a code without a `reject.<code>` text would fall back to the generic
"belum bisa kami terima", which tells the resident nothing about what to fix.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.flows.context import ResidentContext
from app.flows.engine import Engine
from app.flows.inputs import DocumentChecked
from app.flows.messages import load_messages
from app.locker.reasons import Reason
from tests.support.chat import Chat, ktp_until_documents

# What the engine said before each code had its own text: the generic fallback.
FALLBACK = {
    "id": "File Kartu Keluarga belum bisa kami terima. Mohon kirim ulang fotonya.",
    "en": "We could not accept the Family card (KK) file yet. Please send the photo again.",
}
LABEL = {"id": "Kartu Keluarga", "en": "Family card (KK)"}
# The texts added for the codes that used to fall back, word for word.
ADDED = {
    ("id", Reason.TOO_BRIGHT): "Foto Kartu Keluarga terlalu terang (silau). Mohon foto ulang "
    "tanpa lampu kilat dan tanpa pantulan cahaya, lalu kirim lagi.",
    (
        "en",
        Reason.TOO_BRIGHT,
    ): "The photo of Family card (KK) is too bright (glare). Please take it "
    "again without flash or reflections, then send it.",
    ("id", Reason.UNREADABLE): "Foto Kartu Keluarga tidak bisa kami buka. Mohon foto ulang, "
    "lalu kirim lagi.",
    (
        "en",
        Reason.UNREADABLE,
    ): "We cannot open the photo of Family card (KK). Please take it again, then send it.",
    ("id", Reason.PDF_TOO_MANY_PAGES): "PDF Kartu Keluarga terlalu banyak halamannya. Mohon kirim "
    "halaman yang diperlukan saja.",
    ("en", Reason.PDF_TOO_MANY_PAGES): "The Family card (KK) PDF has too many pages. Please send "
    "only the pages we need.",
    ("id", Reason.TOO_MANY_PIXELS): "Gambar Kartu Keluarga terlalu besar ukurannya (resolusi "
    "terlalu tinggi). Mohon kirim foto biasa dari kamera HP.",
    ("en", Reason.TOO_MANY_PIXELS): "The Family card (KK) image has too many pixels. Please send a "
    "normal photo from your phone camera.",
}


def test_every_reason_has_its_own_text_in_both_languages() -> None:
    tables = load_messages().tables
    missing = [
        f"{language}: reject.{reason.value}"
        for language in ("id", "en")
        for reason in Reason
        if f"reject.{reason.value}" not in tables[language]
    ]
    assert missing == []
    assert len(Reason) == 13


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("reason", list(Reason), ids=[reason.value for reason in Reason])
def test_the_resident_reads_the_text_of_the_reason(
    make_engine: Callable[..., Engine], language: str, reason: Reason
) -> None:
    chat = Chat(make_engine(), ResidentContext(language=language))
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=False, reason=reason.value))
    expected = load_messages().tables[language][f"reject.{reason.value}"]
    assert chat.texts() == [expected.format(label=LABEL[language])]
    assert chat.texts() != [FALLBACK[language]]
    if (language, reason) in ADDED:
        assert chat.texts() == [ADDED[(language, reason)]]
