""" "Ada foto lain?" needs no answer: a minute of silence moves on (issue 13.7).

The KK of a lost KTP-el may have two pages. After the first, the engine asks for a
`TimeoutInput` one minute later instead of after the usual two hours; when it comes with no
further file, the next document is asked. A resident who says "more is coming" gets the usual
wait instead, and a page sent at the summary joins the document completed last.
"""

from __future__ import annotations

from datetime import timedelta

from app.flows.context import ResidentContext
from app.flows.events import StoreMedia, WaitUntil
from app.flows.inputs import DocumentChecked, TimeoutInput
from tests.support.chat import Chat, ktp_until_documents
from tests.support.engine_data import START


def _first_kk_page(chat: Chat) -> None:
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))


def test_a_minute_of_silence_after_one_page_asks_the_next_document(make_engine, clock):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(minutes=1))]
    clock.advance(minutes=1)
    chat.send(TimeoutInput())
    assert chat.texts() == [
        "Silakan kirim foto Surat kehilangan dari polisi. 📄\n"
        "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
    ]
    assert chat.awaiting["key"] == "surat_kehilangan"
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1"]}
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(minutes=1, hours=2))]


def test_a_timeout_before_the_minute_is_over_changes_nothing(make_engine, clock):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    clock.advance(seconds=40)
    chat.send("ini sudah jelas fotonya?")  # an aside restarts the minute
    clock.advance(seconds=30)
    assert chat.send(TimeoutInput()) == []
    assert chat.awaiting["key"] == "kk"


def test_a_second_page_while_waiting_is_counted_and_the_minute_starts_again(make_engine, clock):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    clock.advance(seconds=50)
    chat.photo("m2")
    assert chat.of_type(StoreMedia)[0].media_id == "m2"
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(seconds=50, hours=2))]
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    assert chat.texts()[0] == "Kami terima 2 foto untuk Kartu Keluarga. ✅"  # the most it takes
    assert chat.awaiting["key"] == "surat_kehilangan"


def test_saying_more_is_coming_waits_without_the_pause(make_engine, clock):
    for text in (
        "sebentar, halaman 2 lagi difoto",
        "IYA ADA",
        "sek yo, tak jupuk sik",  # Javanese: "wait, I'll fetch it first"
        "tunggu yo pak, masih ado satu",  # Minang: "there is one more"
    ):
        clock.now = START
        chat = Chat(make_engine())
        _first_kk_page(chat)
        chat.send(text)
        assert chat.texts() == ["Baik, kami tunggu foto berikutnya untuk Kartu Keluarga."], text
        assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(hours=2))], text
        assert chat.awaiting["key"] == "kk"


def test_a_question_with_ada_in_it_is_not_taken_as_wait(make_engine, clock):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    chat.send("apakah masih ada yang kurang?")
    assert chat.texts() == [  # the open question again, not "kirim foto KK" as if none came
        "Kami terima 1 foto untuk Kartu Keluarga. ✅\nAda foto lain untuk Kartu Keluarga? "
        "Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* atau tunggu 1 menit."
    ]
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(minutes=1))]  # still pausing


def test_a_side_question_is_answered_with_the_open_question_in_one_message(make_engine):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    chat.send("berapa lama jadinya?")
    assert chat.texts() == [
        "KTP-el: perkiraan selesai 14 hari kerja.\nKami terima 1 foto untuk Kartu Keluarga. ✅\n"
        "Ada foto lain untuk Kartu Keluarga? Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* "
        "atau tunggu 1 menit."
    ]


def test_no_more_in_words_still_moves_on_at_once(make_engine):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    chat.send("ga ada lagi pak")
    assert chat.awaiting["key"] == "surat_kehilangan"


def test_a_page_sent_at_the_summary_joins_the_last_document(make_engine, clock):
    chat = Chat(make_engine())
    ktp_until_documents(chat, variant="baru")  # the KK is the only document
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    clock.advance(minutes=1)
    chat.send(TimeoutInput())
    assert chat.awaiting["kind"] == "confirm"
    chat.photo("m2")
    assert chat.of_type(StoreMedia) == [StoreMedia("kk", "m2", "image/jpeg", None, None, "ktp")]
    chat.send(DocumentChecked("kk", "doc-2", accepted=True))
    assert chat.texts()[0] == "Kami terima 2 foto untuk Kartu Keluarga. ✅"
    assert chat.awaiting["kind"] == "confirm"
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-1", "doc-2"]}
    chat.photo("m3")  # the KK takes two pages at most: not a page of it
    assert chat.of_type(StoreMedia) == []
    assert chat.awaiting["kind"] == "confirm"


def test_an_english_writer_is_answered_in_english(make_engine):
    chat = Chat(make_engine(), ResidentContext(language="en"))  # as the edge detects it
    for text in (
        "my ktp is lost",
        "3201014508900003",
        "Siti Aminah",
        "3201012208150007",
        "Jalan Mawar 5 RT 02/RW 01, Sukamaju",
    ):
        chat.send(text)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.send("wait, one more page")
    assert chat.texts() == ["All right, we will wait for the next photo of Family card (KK)."]


def test_the_reminder_asks_for_another_page_not_for_the_document_again(make_engine, clock):
    chat = Chat(make_engine())
    _first_kk_page(chat)
    chat.send("sebentar, halaman 2 lagi difoto")  # waits as long as any question: no pause
    clock.advance(hours=2)
    chat.send(TimeoutInput())
    assert chat.texts() == [
        "Bapak/Ibu masih di sana? Kami menunggu jawaban Anda.",
        "Kami terima 1 foto untuk Kartu Keluarga. ✅\nAda foto lain untuk Kartu Keluarga? "
        "Kirim sekarang. Bila tidak ada, ketuk *Sudah semua* atau tunggu 1 menit.",
    ]
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(hours=2, minutes=1))]
    clock.advance(minutes=1)
    chat.send(TimeoutInput())  # the question said so: a minute later it moves on
    assert chat.awaiting["key"] == "surat_kehilangan"
