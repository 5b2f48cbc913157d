"""The "Sepertinya ada kendala" offer: what the interrupted question asked for still answers it."""

from __future__ import annotations

from app.flows.events import HandOff, StoreMedia
from app.flows.inputs import DocumentChecked, MediaInput
from tests.support.chat import NIK, Chat, ktp_until_documents

OFFER = "Sepertinya ada kendala. Mau kami hubungkan dengan petugas?"
NIK_QUESTION = "Silakan ketik NIK Anda (16 angka, ada di KK)."


def offer_at_the_kk(chat: Chat) -> None:
    ktp_until_documents(chat)
    for text in ("bentar", "gimana ya", "yang mana"):
        chat.send(text)
    assert chat.texts()[-1] == OFFER
    assert chat.awaiting["kind"] == "operator_offer"


def test_a_photo_sent_while_the_offer_shows_is_the_document(make_engine):
    chat = Chat(make_engine())
    offer_at_the_kk(chat)
    chat.photo("kk-photo")
    assert chat.of_type(StoreMedia) == [
        StoreMedia("kk", "kk-photo", "image/jpeg", None, None, "ktp")
    ]
    assert chat.texts() == []  # the verdict answers, as for any photo
    assert chat.awaiting["kind"] == "document"
    assert chat.snapshot["resume_to"] is None
    chat.send(DocumentChecked("kk", "doc-kk", accepted=True))
    assert chat.texts()[0].startswith("Kami terima 1 foto untuk Kartu Keluarga. ✅")
    assert chat.snapshot["draft"]["documents"] == {"kk": ["doc-kk"]}


def test_a_pdf_sent_while_the_offer_shows_is_the_document(make_engine):
    chat = Chat(make_engine())
    offer_at_the_kk(chat)
    chat.send(MediaInput("document", "kk-pdf", "application/pdf", filename="KK siti.pdf"))
    assert chat.of_type(StoreMedia) == [
        StoreMedia("kk", "kk-pdf", "application/pdf", None, "KK siti.pdf", "ktp")
    ]


def test_a_sticker_or_voice_note_at_the_offer_keeps_the_offer(make_engine):
    chat = Chat(make_engine())
    offer_at_the_kk(chat)
    chat.send(MediaInput("sticker", "s1", "image/webp"))
    assert chat.texts() == [f"Terima kasih stikernya 😊 Mohon jawab dengan mengetik, ya.\n{OFFER}"]
    assert chat.choices() == ["agent", "retry"]
    assert chat.of_type(StoreMedia) == []


def test_a_valid_nik_typed_at_the_offer_answers_the_nik_question(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    for wrong in ("123", "nik sy lupa", "1303"):
        chat.send(wrong)
    assert chat.texts()[-1] == OFFER
    chat.send("1303 0157 0890 0001")
    assert chat.snapshot["draft"]["fields"]["nik"] == NIK
    assert chat.texts() == [
        "Dari NIK: tanggal lahir 17 Agustus 1990, jenis kelamin perempuan. Bila keliru, bisa "
        "diubah di ringkasan nanti.\nSilakan ketik nama lengkap Anda sesuai KK."
    ]


def test_a_question_at_the_offer_is_answered_at_the_question_not_with_the_offer(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    for wrong in ("123", "nik sy lupa", "1303"):
        chat.send(wrong)
    chat.send("maksudnya gmn")
    assert chat.texts() == [
        "Maaf, pertanyaan itu belum bisa kami jawab di sini. Ketik *operator* untuk bertanya "
        "kepada petugas. Silakan ketik NIK."
    ]
    assert chat.awaiting["kind"] == "field"
    assert "nik" not in chat.snapshot["draft"]["fields"]
    assert chat.of_type(HandOff) == []


def test_yes_at_the_offer_calls_an_officer(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    for wrong in ("123", "nik sy lupa", "1303"):
        chat.send(wrong)
    chat.send("iya")
    assert chat.of_type(HandOff) == [HandOff("validation_failed")]


def test_asking_for_help_at_the_offer_calls_an_officer(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    for wrong in ("123", "nik sy lupa", "1303"):
        chat.send(wrong)
    chat.send("tolong bantu")
    assert chat.of_type(HandOff) == [HandOff("validation_failed")]


def test_a_new_service_named_at_the_offer_is_read_as_usual(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    for wrong in ("123", "nik sy lupa", "1303"):
        chat.send(wrong)
    chat.send("mau bikin kk aja")
    # What the NIK question always does when another service is named: ask once to switch.
    assert chat.texts() == ["Ganti ke Kartu Keluarga (KK)?"]
    assert chat.of_type(HandOff) == []
    assert chat.awaiting["kind"] == "switch"


def test_a_command_at_the_offer_still_works(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    for wrong in ("123", "nik sy lupa", "1303"):
        chat.send(wrong)
    chat.send("status")
    assert chat.texts() == [
        "Permohonan Anda:\n• KTP-el: belum selesai diisi. Ketik *menu* untuk melanjutkan.",
        OFFER,  # the question still open, asked again as after any command
    ]


def test_a_name_typed_at_the_offer_is_not_taken_for_a_name(make_engine):
    """A remark typed at the offer goes to the name question, which refuses it as a name."""
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send(NIK)
    for wrong in ("S", "1", "2"):
        chat.send(wrong)
    assert chat.texts()[-1] == OFFER
    chat.send("maksudnya apa?")  # a remark, refused at the name question as always
    assert OFFER not in chat.texts()
    assert chat.texts() == [
        "Maaf, pertanyaan itu belum bisa kami jawab di sini. Ketik *operator* untuk bertanya "
        "kepada petugas. Silakan ketik nama lengkap."
    ]
    assert "nama" not in chat.snapshot["draft"]["fields"]
    chat.send("Siti Aminah")
    assert chat.snapshot["draft"]["fields"]["nama"] == "Siti Aminah"
