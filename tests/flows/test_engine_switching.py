"""Changing one's mind mid-request, and "belum ada" at a document step (issue 12, item 3)."""

from __future__ import annotations

from datetime import timedelta

from app.flows.context import ResidentContext
from app.flows.events import CancelRequest, StoreMedia, WaitUntil
from app.flows.inputs import DocumentChecked, TimeoutInput
from tests.support.chat import NIK, Chat, ktp_until_documents
from tests.support.engine_data import START

KEPT = "Tidak apa-apa, data Anda kami simpan."
FROM_NIK = {"tanggal_lahir": "1990-08-17", "jenis_kelamin": "perempuan"}  # read from the NIK


def _lost_ktp_at_kk_number(chat: Chat) -> None:
    chat.send("ktp saya hilang")
    chat.send(NIK)
    chat.send("Siti Aminah")


def _lost_ktp_at_police_report(chat: Chat) -> None:
    ktp_until_documents(chat)
    chat.photo("kk-1")
    chat.send(DocumentChecked("kk", "doc-1", accepted=True))
    chat.send("selesai")
    assert chat.awaiting["key"] == "surat_kehilangan"


def test_naming_another_service_asks_once_and_keeps_the_shared_answers(make_engine):
    chat = Chat(make_engine())
    _lost_ktp_at_kk_number(chat)
    chat.send("eh salah, mau KK aja. kk sy hilang")
    assert chat.texts() == ["Ganti ke KK hilang? Data NIK dan nama lengkap Anda tetap dipakai."]
    assert chat.choices() == ["yes", "no"]
    assert chat.snapshot["draft"]["fields"] == {"nik": NIK, "nama": "Siti Aminah", **FROM_NIK}
    chat.tap("yes", "Ya, ganti", prompt=chat.prompts()[0])
    assert chat.of_type(CancelRequest) == [CancelRequest(None)]
    draft = chat.snapshot["draft"]
    assert (draft["service"], draft["variant"]) == ("kk", "hilang")
    assert draft["fields"] == {"nik": NIK, "nama": "Siti Aminah"}
    assert chat.awaiting["key"] == "no_kk"
    assert chat.texts()[-1] == "Silakan ketik nomor KK Anda sekarang (16 angka, di bagian atas KK)."


def test_no_returns_to_the_open_question_and_saves_nothing(make_engine):
    chat = Chat(make_engine())
    _lost_ktp_at_kk_number(chat)
    chat.send("ganti ke akta kelahiran")
    assert chat.texts() == ["Ganti ke Akta Kelahiran?"]
    chat.send("tidak")
    assert chat.texts() == ["Silakan ketik nomor KK Anda (16 angka, di bagian atas KK)."]
    assert chat.snapshot["draft"]["service"] == "ktp"
    assert chat.awaiting == {
        "kind": "field",
        "key": "no_kk",
        "page": 0,
        "target": None,
        "prompt": chat.awaiting["prompt"],
    }
    assert "no_kk" not in chat.snapshot["draft"]["fields"]


def test_an_answer_instead_of_yes_or_no_answers_the_interrupted_question(make_engine):
    chat = Chat(make_engine())
    _lost_ktp_at_kk_number(chat)
    chat.send("bukan KTP, KIA")
    assert chat.texts() == ["Ganti ke Kartu Identitas Anak?"]  # it shares no field with KTP-el
    chat.send("7307012010150001")
    assert chat.snapshot["draft"]["service"] == "ktp"
    assert chat.snapshot["draft"]["fields"]["no_kk"] == "7307012010150001"
    assert chat.awaiting["key"] == "alamat"


def test_a_plain_answer_that_names_no_service_is_not_a_switch(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp saya hilang")
    chat.send(NIK)
    assert chat.awaiting["key"] == "nama"
    chat.send("Siti Aminah")
    assert chat.snapshot["draft"]["fields"]["nama"] == "Siti Aminah"


def test_not_yet_at_a_document_keeps_the_draft_and_the_step(make_engine):
    chat = Chat(make_engine())
    _lost_ktp_at_police_report(chat)
    chat.send("surat polisinya belum ada, harus ke polsek dulu ya?")
    assert chat.texts() == [
        f"{KEPT} Kirim foto Surat kehilangan dari polisi kapan saja, lanjutkan dengan mengetik"
        " *lanjut*.\nSurat kehilangan dibuat di Polsek terdekat, tanpa biaya."  # the catalog's hint
    ]
    assert chat.awaiting["key"] == "surat_kehilangan"
    assert chat.of_type(WaitUntil) == [WaitUntil(START + timedelta(hours=2))]
    chat.photo("report-1")
    assert chat.of_type(StoreMedia)[0].requirement == "surat_kehilangan"


def test_lanjut_after_not_yet_asks_for_the_document_again(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("kk nya hilang belum punya")
    assert chat.texts()[0].startswith(KEPT)
    chat.send("lanjut")
    assert chat.texts()[0].startswith("Silakan kirim foto Kartu Keluarga.")
    assert chat.awaiting["key"] == "kk"


def test_not_yet_in_english_and_the_reminder_comes_later(make_engine, clock):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    for text in ("belum ada", "nanti saya kirim", "I don't have it yet"):
        chat.send(text)
        assert chat.texts()[0].startswith(KEPT), text
    clock.advance(hours=2)
    chat.send(TimeoutInput())
    assert chat.texts()[0] == "Bapak/Ibu masih di sana? Kami menunggu jawaban Anda."
    assert chat.awaiting["key"] == "kk"


def test_wanting_another_service_at_a_question_is_a_switch_too(make_engine):
    chat = Chat(make_engine())
    _lost_ktp_at_kk_number(chat)
    chat.send("mau KK aja")
    assert chat.texts() == [
        "Ganti ke Kartu Keluarga (KK)? Data NIK dan nama lengkap Anda tetap dipakai."
    ]
    chat.tap("yes", "Ya, ganti", prompt=chat.prompts()[0])
    assert chat.snapshot["draft"]["variant"] is None
    assert chat.texts()[-1] == "Permohonan Kartu Keluarga (KK) untuk keperluan apa?"


def test_the_variant_answer_that_names_a_service_word_stays_an_answer(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp")
    assert chat.awaiting["kind"] == "variant"
    chat.send("pindah datang")
    assert chat.snapshot["draft"]["variant"] == "pindah_datang"


def test_a_photo_sent_to_the_switch_question_is_the_document_asked_before(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("ganti ke akta kelahiran")
    assert chat.awaiting["kind"] == "switch"
    chat.photo("kk-1")
    assert [event.requirement for event in chat.of_type(StoreMedia)] == ["kk"]
    assert chat.awaiting["key"] == "kk"


def test_the_switch_question_in_english(make_engine):
    chat = Chat(make_engine(), ResidentContext(language="en"))
    chat.send("my ktp is lost")
    chat.send(NIK)
    chat.send("Siti Aminah")
    chat.send("no wait, I meant the KK")
    assert chat.texts() == ["Switch to Family card (KK)? Your NIK and full name will be kept."]
    assert chat.choices() == ["yes", "no"]


def test_a_variant_title_without_the_service_gets_the_service_name(make_engine):
    chat = Chat(make_engine())
    _lost_ktp_at_kk_number(chat)
    chat.send("eh salah, mau KK aja, pisah kk")
    assert chat.texts()[0].startswith("Ganti ke Pisah KK?")
    chat.send("tidak")
    chat.send("eh salah, maksud saya kk tambah anggota")
    assert chat.texts()[0].startswith("Ganti ke Kartu Keluarga (KK) – Tambah anggota?")
