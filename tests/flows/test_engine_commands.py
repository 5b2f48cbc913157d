"""Commands at any point: menu, cancel, status, requirements, language, operator, complaint;
and messages the bot cannot use where text is expected."""

from __future__ import annotations

from datetime import UTC, datetime

from app.flows.context import RequestSummary, ResidentContext
from app.flows.events import CancelRequest, HandOff, LanguageChanged, SendList
from app.flows.inputs import LocationInput, MediaInput, UnsupportedInput
from tests.support.chat import NIK, Chat


def test_greeting_gets_the_menu_of_services(make_engine, catalog):
    chat = Chat(make_engine())
    chat.send("assalamualaikum")
    [menu] = chat.of_type(SendList)
    assert menu.body.startswith("Halo, Bapak/Ibu 👋 Ini layanan WhatsApp resmi")
    assert menu.button_label == "Pilih layanan"
    assert [row.id for row in menu.rows] == [
        *(f"svc:{code}" for code in catalog.services),
        "cmd:status",
        "cmd:agent",
    ]


def test_off_topic_message_gets_a_polite_answer_and_the_menu(make_engine):
    chat = Chat(make_engine())
    chat.send("berapa harga bensin")
    assert chat.texts()[0] == "Maaf, kami belum mengerti pesan Anda."
    assert "svc:ktp" in chat.choices()


def test_cancel_asks_first_then_drops_the_draft(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send(NIK)
    chat.send("batal")
    assert chat.texts() == ["Batalkan permohonan KTP-el yang sedang diisi?"]
    chat.tap("no", "Tidak")
    assert chat.texts() == [
        "Baik, permohonan tidak dibatalkan.",
        "Silakan ketik nama lengkap Anda sesuai KK.",
    ]
    chat.send("batal")
    chat.send("ya")
    assert chat.of_type(CancelRequest) == [CancelRequest(None)]
    assert chat.snapshot["draft"] is None
    assert chat.texts() == ["Permohonan dibatalkan. Ketik *menu* bila ingin mengajukan yang lain."]


def test_cancel_with_nothing_open_says_so(make_engine):
    chat = Chat(make_engine())
    chat.send("batal")
    assert chat.texts() == [
        "Tidak ada permohonan yang bisa dibatalkan. Ketik *menu* untuk melihat layanan."
    ]


def test_cancel_of_a_submitted_request_names_its_ticket(make_engine):
    updated = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    context = ResidentContext(
        open_requests=[RequestSummary("KK-261120-0001", "kk", "in_review", updated)]
    )
    chat = Chat(make_engine(), context)
    chat.send("batalkan")
    assert chat.texts() == ["Batalkan permohonan KK-261120-0001?"]
    chat.tap("yes")
    assert chat.of_type(CancelRequest) == [CancelRequest("KK-261120-0001")]


def test_status_lists_open_requests_in_words(make_engine):
    context = ResidentContext(
        open_requests=[
            RequestSummary(
                "KTP-261101-0042", "ktp", "ready_for_pickup", datetime(2026, 11, 20, 2, tzinfo=UTC)
            ),
            RequestSummary(
                "KK-261115-0007", "kk", "needs_correction", datetime(2026, 11, 21, 2, tzinfo=UTC)
            ),
        ]
    )
    chat = Chat(make_engine(), context)
    chat.send("status")
    assert chat.texts() == [
        "Permohonan Anda:\n"
        "• KTP-261101-0042 (KTP-el): siap diambil. Diperbarui 20 November 2026.\n"
        "Silakan ambil di Pemerintah Kabupaten Contoh, jam kerja kantor.\n"
        "• KK-261115-0007 (Kartu Keluarga (KK)): perlu perbaikan dari Anda. "
        "Diperbarui 21 November 2026.\n"
        "Mohon kirim perbaikan yang diminta petugas di chat ini, lalu berkas diperiksa lagi. "
        "Perkiraan selesai: segera kami kabari."
    ]


def test_status_in_the_middle_of_a_question_asks_the_question_again(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send("status")
    assert chat.texts() == [
        "Permohonan Anda:\n• KTP-el: belum selesai diisi. Ketik *menu* untuk melanjutkan.",
        "Silakan ketik NIK Anda (16 angka, ada di KK).",
    ]


def test_requirements_can_be_read_without_starting_the_service(make_engine):
    chat = Chat(make_engine())
    chat.send("syarat kk apa aja")
    body = chat.texts()[0]
    assert body.startswith("Persyaratan Kartu Keluarga (KK):\n📄 Kartu Keluarga (untuk KK baru")
    assert "📄 Surat kehilangan dari polisi (untuk KK hilang)" in body
    assert "Layanan ini gratis (UU 24/2013 Pasal 79A)." in body
    assert chat.choices() == ["svc:kk", "cmd:menu"]
    assert chat.snapshot["draft"] is None
    chat.tap("svc:kk", "Ajukan sekarang")
    assert chat.snapshot.get("draft", {})["service"] == "kk"


def test_requirements_without_a_service_offer_the_list(make_engine, catalog):
    chat = Chat(make_engine())
    chat.send("persyaratan")
    assert chat.texts() == ["Persyaratan layanan apa yang ingin Anda lihat?"]
    assert chat.choices() == [f"req:{code}" for code in catalog.services]
    chat.tap("req:kia")
    assert chat.texts()[0].startswith("Persyaratan Kartu Identitas Anak:")


def test_language_switch_by_buttons_and_back(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send("bahasa")
    assert chat.choices() == ["lang:id", "lang:en"]
    chat.tap("lang:en", "English")
    assert chat.of_type(LanguageChanged) == [LanguageChanged("en")]
    assert chat.texts() == [
        "Fine, we will reply in English.",
        "Please type your NIK (16 digits, printed on your KK).",
    ]
    chat.send("bahasa indonesia")
    assert chat.of_type(LanguageChanged) == [LanguageChanged("id")]
    assert chat.texts()[-1] == "Silakan ketik NIK Anda (16 angka, ada di KK)."


def test_operator_request_hands_off(make_engine):
    chat = Chat(make_engine())
    chat.send("operator")
    assert chat.texts() == [
        "Baik, kami hubungkan Anda dengan petugas. Mohon tunggu, petugas akan membalas di sini."
    ]
    assert chat.of_type(HandOff) == [HandOff("resident_request")]


def test_complaint_goes_to_an_operator(make_engine):
    chat = Chat(make_engine())
    chat.send("saya kecewa dgn pelayanan")
    assert chat.of_type(HandOff) == [HandOff("complaint")]
    assert "SP4N-LAPOR!" in chat.texts()[0]


def test_sticker_voice_location_and_photo_where_text_is_expected(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    question = "Silakan ketik NIK Anda (16 angka, ada di KK)."
    # Each gets one message: a word about what was sent, and the question again.
    chat.send(MediaInput("sticker", "s1", "image/webp"))
    assert chat.texts() == [
        f"Terima kasih stikernya 😊 Mohon jawab dengan mengetik, ya.\n{question}"
    ]
    chat.send(UnsupportedInput("voice"))
    assert chat.texts() == [
        f"Maaf, kami belum bisa mendengarkan pesan suara. Mohon ketik pesan Anda.\n{question}"
    ]
    chat.send(LocationInput(-5.12, 120.25, "Rumah", None))
    assert chat.texts() == [
        f"Terima kasih. Untuk langkah ini, mohon jawab dengan mengetik.\n{question}"
    ]
    chat.photo("p1")
    assert chat.texts() == [f"Untuk langkah ini, mohon jawab dengan mengetik.\n{question}"]
    chat.send(UnsupportedInput("reaction"))
    assert chat.texts() == [f"Terima kasih 😊\n{question}"]
    assert chat.snapshot["tries"] == 0


def test_unsupported_message_when_idle_gets_the_menu(make_engine):
    chat = Chat(make_engine())
    chat.send(UnsupportedInput("contacts"))
    assert chat.texts() == [
        "Maaf, pesan jenis ini belum bisa kami baca. Mohon ketik pesan Anda.\n"
        "Silakan pilih layanan yang Anda perlukan, atau ketik pertanyaan Anda."
    ]
    assert "svc:ktp" in chat.choices()


def test_picking_another_service_mid_draft_offers_to_continue_or_restart(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send("menu")
    assert chat.choices()[0] == "resume"
    chat.tap("svc:kk")
    assert chat.texts() == ["Lanjutkan permohonan KTP-el yang belum selesai?"]
    chat.tap("no", "Mulai baru")
    assert chat.of_type(CancelRequest) == [CancelRequest(None)]
    assert chat.snapshot["draft"]["service"] == "kk"


def test_typed_english_switches_at_once_and_the_menu_follows(make_engine):
    chat = Chat(make_engine())
    chat.send("english please")
    assert chat.of_type(LanguageChanged) == [LanguageChanged("en")]
    assert chat.texts()[0] == "Fine, we will reply in English."
    assert chat.texts()[1].startswith("Please choose the service you need")


def test_cancel_with_several_open_requests_asks_which(make_engine):
    updated = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    context = ResidentContext(
        open_requests=[
            RequestSummary("KK-261120-0001", "kk", "submitted", updated),
            RequestSummary("KTP-261120-0002", "ktp", "in_review", updated),
            RequestSummary("AKL-261101-0003", "akta_kelahiran", "processing", updated),
        ]
    )
    chat = Chat(make_engine(), context)
    chat.send("cancel")
    assert chat.choices() == ["tkt:KK-261120-0001", "tkt:KTP-261120-0002"]
    chat.send("2")
    assert chat.texts() == ["Batalkan permohonan KTP-261120-0002?"]
    chat.send("ya")
    assert chat.of_type(CancelRequest) == [CancelRequest("KTP-261120-0002")]
