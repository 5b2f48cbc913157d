"""The engine with answers typed sideways (issue 12): what is stored, and refusals in one line."""

from __future__ import annotations

from app.flows.context import ResidentContext
from app.flows.events import SendButtons, SendList, SubmitRequest
from app.flows.inputs import DocumentChecked
from app.flows.messages import load_messages
from app.flows.nonanswers import KINDS
from tests.support.chat import KK, NIK, Chat, ktp_until_documents

NAME_PROMPT = "Silakan ketik nama lengkap Anda sesuai KK."
FROM_NIK = (
    "Dari NIK: tanggal lahir 17 Agustus 1990, jenis kelamin perempuan. Bila keliru, bisa diubah "
    "di ringkasan nanti."
)
SHORT = "Bila sudah benar, pilih cara menerima hasilnya; bila ada yang salah, pilih *Ubah data*."


def at_name(chat: Chat) -> None:
    chat.send("ktp saya hilang")
    chat.send(f"nik sy {NIK[:4]} {NIK[4:8]} {NIK[8:12]} {NIK[12:]} pak")
    assert chat.texts() == [f"{FROM_NIK}\n{NAME_PROMPT}"]


def photo_accepted(chat: Chat, requirement: str, media: str) -> None:
    chat.photo(media)
    chat.send(DocumentChecked(requirement, f"doc-{media}", True, None))


def at_summary(chat: Chat) -> str:
    ktp_until_documents(chat)
    photo_accepted(chat, "kk", "m1")
    chat.send("udah itu aja")
    photo_accepted(chat, "surat_kehilangan", "m2")  # one sheet: straight to the summary
    assert chat.awaiting["kind"] == "confirm"
    return str(chat.awaiting["prompt"])


def test_a_name_inside_a_sentence_is_stored_without_the_sentence(make_engine):
    chat = Chat(make_engine())
    at_name(chat)
    chat.send("nama saya HAJI BASO pak")
    assert chat.snapshot["draft"]["fields"]["nama"] == "Haji Baso"


def test_a_question_at_a_name_is_refused_in_one_line_and_counted(make_engine):
    chat = Chat(make_engine())
    at_name(chat)
    chat.send("iya ada apa?")
    assert chat.texts() == [
        "Maaf, pertanyaan itu belum bisa kami jawab di sini. Ketik *operator* untuk bertanya "
        "kepada petugas. Silakan ketik nama lengkap."
    ]
    assert "nama" not in chat.snapshot["draft"]["fields"]
    assert (chat.awaiting["key"], chat.snapshot["tries"]) == ("nama", 1)


def test_thanks_and_greetings_are_answered_warmly_and_not_counted_as_failures(make_engine):
    chat = Chat(make_engine())
    at_name(chat)
    for text, line in [
        ("terima kasih", "Sama-sama 🙏 Silakan ketik nama lengkap."),
        ("assalamualaikum", "Waalaikumsalam 🙏 Silakan ketik nama lengkap."),
        ("selamat pagi", "Halo 👋 Silakan ketik nama lengkap."),
        ("🙏", "Sama-sama 🙏 Silakan ketik nama lengkap."),
        ("ok", "Baik. Silakan ketik nama lengkap."),
    ]:
        chat.send(text)
        assert chat.texts() == [line]
    assert chat.snapshot["tries"] == 0
    assert "nama" not in chat.snapshot["draft"]["fields"]


def test_a_change_of_mind_is_not_stored_as_a_child_s_name(make_engine):
    chat = Chat(make_engine())
    chat.send("mau buat akta kelahiran")
    chat.send("eh salah, maksud saya KIA")
    assert chat.texts() == ["Ganti ke Kartu Identitas Anak?"]  # asked, not saved as a name
    assert chat.snapshot["draft"]["fields"] == {}


def test_three_non_answers_still_offer_an_operator(make_engine):
    chat = Chat(make_engine())
    at_name(chat)
    for text in ("kenapa harus nama?", "NIK sy ga tau", "iya ada apa?"):
        chat.send(text)
    assert chat.texts()[-1] == "Sepertinya ada kendala. Mau kami hubungkan dengan petugas?"
    assert chat.awaiting["kind"] == "operator_offer"


def test_a_recent_day_in_words_is_read_and_said_back(make_engine):
    chat = Chat(make_engine())
    chat.send("akta kematian")
    chat.send("7307014101450004")
    chat.send("almarhumah HJ. HASNAH")
    chat.send("meninggal kemarin sore pak")
    assert chat.snapshot["draft"]["fields"]["nama_almarhum"] == "Hj. Hasnah"
    assert chat.snapshot["draft"]["fields"]["tanggal_kematian"] == "2026-11-21"
    assert chat.texts() == [
        "Kami catat tanggalnya: 21 November 2026.\nDi mana meninggalnya? Contoh: rumah, RSUD Sinjai"
    ]


def test_last_week_asks_for_the_exact_day(make_engine):
    chat = Chat(make_engine())
    chat.send("akta kematian")
    chat.send("7307014101450004")
    chat.send("Hasnah")
    chat.send("minggu lalu")
    assert chat.texts() == ["Tanggal berapa tepatnya? Contoh: 15 November 2026"]
    assert chat.awaiting["key"] == "tanggal_kematian"


def test_an_optional_question_answered_with_a_regional_no_is_skipped(make_engine):
    chat = Chat(make_engine())
    chat.send("akta kematian")
    for text in ("7307014101450004", "Hasnah", "02-11-2026", "rumah", "7307011203850002"):
        chat.send(text)
    chat.send("anak sy")  # the deceased is my child: I am a parent
    chat.send(KK)
    chat.send("mboten wonten")
    assert chat.snapshot["draft"]["fields"]["hubungan_pelapor"] == "orang_tua"
    assert chat.snapshot["draft"]["skipped"] == ["no_hp_lain"]
    assert chat.awaiting["kind"] == "document"


def test_a_wrong_choice_is_one_message_with_the_buttons(make_engine):
    chat = Chat(make_engine())
    chat.send("mau buat ktp baru")
    for answer in (NIK, "Siti Aminah", KK):
        chat.send(answer)
    asked = chat.awaiting["prompt"]  # the marital status
    chat.send("terima kasih")
    [message] = chat.events[:-1]
    assert isinstance(message, SendList)  # four choices: a list
    assert message.body == "Sama-sama 🙏 Silakan pilih salah satu di bawah."
    assert message.prompt == asked
    chat.send("udah nikah")
    assert chat.snapshot["draft"]["fields"]["status_kawin"] == "kawin"


def test_a_wrong_variant_is_one_list_with_one_line(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp")
    chat.send("halo min")
    [message] = chat.events[:-1]
    assert isinstance(message, SendList)
    assert message.body == "Halo 👋 Silakan pilih salah satu di bawah."
    assert message.rows[0].id == "var:baru"


def test_a_chatty_yes_at_the_summary_submits(make_engine):
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("iya nak sudah benar semua, terima kasih")
    [submit] = chat.of_type(SubmitRequest)
    assert submit.documents == {"kk": ["doc-m1"], "surat_kehilangan": ["doc-m2"]}


def test_is_that_all_at_the_summary_is_answered_without_the_summary_again(make_engine):
    chat = Chat(make_engine())
    asked = at_summary(chat)
    for text in ("udh gtu aj?", "yakin?"):
        chat.send(text)
        assert chat.of_type(SubmitRequest) == []
        [message] = chat.events[:-1]
        assert isinstance(message, SendButtons)
        assert message.body == f"Datanya sudah lengkap, tidak ada yang perlu ditambah. {SHORT}"
        assert [b.id for b in message.buttons] == ["yes:pickup", "yes:home", "edit"]
        assert message.prompt == asked
    assert chat.snapshot["tries"] == 0
    chat.tap("yes:pickup", "Ya, ambil di kantor", asked)
    assert len(chat.of_type(SubmitRequest)) == 1


def test_an_unclear_reply_at_the_summary_is_one_line_and_counts(make_engine):
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("hmm kucing")
    assert chat.texts() == ["Mohon pilih salah satu tombol di bawah."]
    assert chat.snapshot["tries"] == 1


def test_the_name_is_wrong_opens_the_name(make_engine):
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("namanya salah")
    assert chat.texts() == [NAME_PROMPT]
    chat.send("siti aminah putri")
    assert "• Nama lengkap: Siti Aminah Putri" in chat.texts()[0]


def test_something_is_wrong_opens_the_list_and_never_mind_asks_to_cancel(make_engine):
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("ada yang salah")
    assert chat.texts() == ["Bagian mana yang ingin diubah?"]
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("eh gak jadi deh")
    assert chat.texts() == ["Batalkan permohonan KTP-el yang sedang diisi?"]
    chat.send("iya")
    assert chat.snapshot["draft"] is None


def test_a_document_is_done_by_saying_so_but_not_by_not_yet(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    photo_accepted(chat, "kk", "m1")
    chat.send("belum")  # not yet: more photos may come
    assert chat.awaiting["key"] == "kk"
    chat.send("ga ada lagi pak")
    assert chat.awaiting["key"] == "surat_kehilangan"


def test_english_refusals_are_in_english(make_engine):
    chat = Chat(make_engine(), ResidentContext(language="en"))
    chat.send("my ktp is lost")
    chat.send(NIK)
    chat.send("thank you")
    assert chat.texts() == ["You're welcome 🙏 Please type the full name."]
    chat.send("my name is Siti Aminah")
    assert chat.snapshot["draft"]["fields"]["nama"] == "Siti Aminah"


def test_every_kind_of_non_answer_has_its_line_in_both_languages():
    tables = load_messages().tables
    for language in ("id", "en"):
        assert [kind for kind in KINDS if f"not_answer.{kind}" not in tables[language]] == []
    assert len(KINDS) == 11


def test_two_different_niks_are_asked_back(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send("NIK 7307011708650003 / 7307011708650004")
    assert chat.texts() == [
        "Ada 2 nomor 16 angka di pesan Anda (…0003 / …0004). Yang mana NIK-nya? "
        "Mohon ketik satu saja."
    ]
    assert chat.snapshot["draft"]["fields"] == {}


def test_an_unclear_pick_from_the_edit_list_is_one_message(make_engine):
    chat = Chat(make_engine())
    at_summary(chat)
    chat.send("ada yang salah")
    chat.send("kucing")
    [message] = chat.events[:-1]
    assert isinstance(message, SendList)
    assert message.body == (
        "Mohon pilih bagian yang ingin diubah dari daftar.\nBagian mana yang ingin diubah?"
    )
