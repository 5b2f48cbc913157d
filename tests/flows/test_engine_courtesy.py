"""Courtesy and side questions (issue 12: 2, 4): a short answer, and the open step kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.flows.context import OfficeInfo, RequestSummary, ResidentContext
from app.flows.events import SendButtons, SendList
from app.flows.inputs import DocumentChecked
from tests.support.chat import NIK, Chat, ktp_until_documents

OFFICE = OfficeInfo(
    name="Kantor Camat Tallo",
    address="Jl. Sultan Abdullah 5",
    opening=time(8, 0),
    closing=time(15, 0),
    opens_next=datetime(2026, 11, 23, 1, 0, tzinfo=UTC),
)
PENDING = RequestSummary(
    ticket="KTP-261101-0042",
    service_code="ktp",
    status="in_review",
    updated_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
    due_date=date(2026, 12, 4),
)
THANKS_IDLE = "Sama-sama 🙏 Bila perlu bantuan lagi, ketik *menu*."
NIK_LINE = "Silakan ketik NIK."


def at_menu(make_engine, context: ResidentContext | None = None) -> Chat:
    chat = Chat(make_engine(), context)
    chat.send("halo")
    assert chat.awaiting["kind"] == "menu"
    return chat


def at_nik(make_engine, context: ResidentContext | None = None) -> Chat:
    chat = Chat(make_engine(), context)
    chat.send("ktp saya hilang")
    assert chat.awaiting["key"] == "nik"
    return chat


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("terima kasih", THANKS_IDLE),
        ("mksh bang 🙏", THANKS_IDLE),
        ("matur nuwun", THANKS_IDLE),
        ("🙏", THANKS_IDLE),
        ("thank you", "You're welcome 🙏 If you need anything else, type *menu*."),
        ("ok", "Baik 🙏 Bila perlu bantuan lagi, ketik *menu*."),
        ("siap", "Baik 🙏 Bila perlu bantuan lagi, ketik *menu*."),
        ("oke mas", "Baik 🙏 Bila perlu bantuan lagi, ketik *menu*."),
        ("👍", "Baik 🙏 Bila perlu bantuan lagi, ketik *menu*."),
        (
            "assalamualaikum",
            "Waalaikumsalam 🙏 Ada yang bisa kami bantu? Ketik *menu* untuk melihat layanan.",
        ),
        ("sugeng enjing", "Halo 👋 Ada yang bisa kami bantu? Ketik *menu* untuk melihat layanan."),
        ("tabe'", "Halo 👋 Ada yang bisa kami bantu? Ketik *menu* untuk melihat layanan."),
        ("good morning", "Hello 👋 How can we help? Type *menu* to see our services."),
    ],
)
def test_courtesy_at_the_menu_gets_one_warm_line_and_no_menu(make_engine, text, reply):
    chat = at_menu(make_engine)
    chat.send(text)
    assert chat.texts() == [reply]
    assert chat.of_type(SendList) == [] and chat.of_type(SendButtons) == []


def test_a_greeting_from_a_new_resident_still_gets_the_welcome_menu(make_engine):
    chat = Chat(make_engine())
    chat.send("assalamualaikum")
    assert chat.texts()[0].startswith("Halo, Bapak/Ibu 👋 Ini layanan WhatsApp resmi")
    assert "svc:ktp" in chat.choices()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("terima kasih", "Sama-sama 🙏"),
        ("matur nuwun", "Sama-sama 🙏"),
        ("thank you", "Sama-sama 🙏"),  # inside an Indonesian step: one language per message
        ("assalamualaikum", "Waalaikumsalam 🙏"),
        ("sugeng enjing", "Halo 👋"),
    ],
)
def test_courtesy_at_an_open_question_is_answered_and_the_question_asked_in_one_line(
    make_engine, text, line
):
    chat = at_nik(make_engine)
    chat.send(text)
    assert chat.texts() == [f"{line} {NIK_LINE}"]
    assert (chat.awaiting["key"], chat.snapshot["tries"]) == ("nik", 0)
    assert chat.snapshot["draft"]["fields"] == {}


def test_thanks_at_a_document_step_keeps_the_step(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.send("terima kasih")
    assert chat.texts() == ["Sama-sama 🙏 Silakan kirim foto Kartu Keluarga. 📄"]
    assert (chat.awaiting["kind"], chat.awaiting["key"]) == ("document", "kk")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "nanti diambil di mana?",
            "Pengambilan KTP-el: Bawa KK asli dan KTP-el lama atau surat kehilangan asli. "
            "KTP-el diambil sendiri oleh pemiliknya.\n"
            "Cara menerima hasilnya: ambil di kantor atau antar ke rumah.",
        ),
        (
            "harus datang langsung?",
            "KTP-el baru perlu perekaman (foto, sidik jari, iris) di kantor camat atau "
            "Disdukcapil.",
        ),
        ("bayar berapa?", "Layanan ini gratis (UU 24/2013 Pasal 79A)."),
        ("berapa lama jadinya?", "KTP-el: perkiraan selesai 14 hari kerja."),
        ("kapan jadi?", "KTP-el: perkiraan selesai 14 hari kerja."),  # nothing submitted yet
        (
            "hari Sabtu buka?",
            "Hari Sabtu kantor tutup.\nJam layanan Kantor Camat Tallo: Senin–Jumat 08.00–15.00.",
        ),
    ],
)
def test_a_side_question_is_answered_and_the_open_step_asked_again(make_engine, text, answer):
    chat = at_nik(make_engine, ResidentContext(office=OFFICE))
    chat.send(text)
    assert chat.texts() == [f"{answer}\n{NIK_LINE}"]
    assert (chat.awaiting["key"], chat.snapshot["tries"]) == ("nik", 0)
    assert chat.snapshot["draft"] == {**chat.snapshot["draft"], "service": "ktp", "fields": {}}


def test_a_question_about_another_service_never_starts_it(make_engine):
    chat = at_nik(make_engine)
    chat.send("bikin akta lahir berapa lama?")
    assert chat.texts() == [f"Akta Kelahiran: perkiraan selesai 3 hari kerja.\n{NIK_LINE}"]
    assert chat.snapshot["draft"]["service"] == "ktp"
    chat.send(NIK)
    assert chat.snapshot["draft"]["fields"]["nik"] == NIK


def test_a_file_step_still_reads_sudah_as_done_not_as_courtesy(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-m1", True, None))
    chat.send("sudah")
    assert (chat.awaiting["kind"], chat.awaiting["key"]) == ("document", "surat_kehilangan")


def test_kapan_jadi_with_a_pending_request_answers_with_its_status(make_engine):
    chat = at_nik(make_engine, ResidentContext(open_requests=[PENDING]))
    chat.send("kapan jadi?")
    reply = chat.texts()
    assert len(reply) == 1
    assert reply[0].startswith(
        "Permohonan Anda:\n• KTP-261101-0042 (KTP-el): sedang diperiksa petugas."
    )
    assert "Perkiraan selesai: 4 Desember 2026." in reply[0]
    assert "belum selesai diisi" not in reply[0]  # not the draft being filled in right now
    assert reply[0].endswith(f"\n{NIK_LINE}")
    assert chat.awaiting["key"] == "nik"


def test_office_questions_at_the_menu_use_the_office_settings(make_engine):
    chat = at_menu(make_engine, ResidentContext(office=OFFICE))
    chat.send("jam buka kantor?")
    assert chat.texts() == [
        "Jam layanan Kantor Camat Tallo: Senin–Jumat 08.00–15.00.\n"
        "Alamat: Jl. Sultan Abdullah 5.\n"
        "Saat ini kantor sedang tutup. Buka lagi 23 November 2026 pukul 08.00.\n"
        "Ada lagi yang bisa kami bantu? Ketik *menu* untuk melihat layanan."
    ]
    chat.send("hari Senin buka?")
    assert chat.texts()[0].startswith("Hari Senin kantor buka.\n")


def test_the_office_own_words_for_its_hours_are_used_and_a_missing_office_is_left_to_staff(
    make_engine,
):
    office = OfficeInfo(name="Kantor Desa Mawar", hours_text="Senin–Kamis 08.00–14.00 WITA")
    chat = at_menu(make_engine, ResidentContext(office=office))
    chat.send("hari Sabtu buka?")
    assert chat.texts()[0].split("\n")[:2] == [
        "Hari Sabtu kantor tutup.",
        "Jam layanan Kantor Desa Mawar: Senin–Kamis 08.00–14.00 WITA.",
    ]
    chat = at_menu(make_engine)
    chat.send("hari Sabtu buka?")
    assert chat.texts() == [
        "Jam buka dan alamat kantor akan disampaikan oleh petugas kantor. Ketik *operator* "
        "untuk bertanya.\nAda lagi yang bisa kami bantu? Ketik *menu* untuk melihat layanan."
    ]


def test_an_english_conversation_gets_its_side_answers_in_english(make_engine):
    chat = at_nik(make_engine, ResidentContext(language="en", office=OFFICE))
    chat.send("thank you")
    assert chat.texts() == ["You're welcome 🙏 Please type the NIK."]
    chat.send("is the office open on saturday?")
    assert chat.texts() == [
        "The office is closed on Saturday.\n"
        "Opening hours of Kantor Camat Tallo: Monday–Friday 08.00–15.00.\n"
        "Please type the NIK."
    ]


def test_a_side_question_at_the_summary_gets_the_short_line_not_the_whole_summary(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(DocumentChecked("kk", "doc-m1", True, None))
    chat.send("udah itu aja")
    chat.photo("m2")
    chat.send(DocumentChecked("surat_kehilangan", "doc-m2", True, None))
    prompt = chat.awaiting["prompt"]
    chat.send("bayar berapa?")
    assert chat.texts() == [
        "Layanan ini gratis (UU 24/2013 Pasal 79A).\n"
        "Bila sudah benar, pilih cara menerima hasilnya; bila ada yang salah, pilih *Ubah data*."
    ]
    assert (chat.choices(), chat.prompts()) == (["yes:pickup", "yes:home", "edit"], [prompt])
    chat.send("iya sudah benar semua, terima kasih")
    assert chat.awaiting["kind"] == "submitting"


def test_a_pickup_question_with_a_document_ready_gives_its_place_and_hours(make_engine):
    ready = RequestSummary(
        ticket="KK-261110-0003",
        service_code="kk",
        status="ready_for_pickup",
        updated_at=datetime(2026, 11, 21, 2, 0, tzinfo=UTC),
        pickup_place="Kantor Camat Tallo, Jl. Sultan Abdullah 5",
        pickup_hours="Senin–Jumat 08.00–15.00 WITA",
    )
    chat = at_menu(make_engine, ResidentContext(open_requests=[ready]))
    chat.send("diambil di mana ya?")
    (reply,) = chat.texts()
    assert reply.startswith("• KK-261110-0003 (Kartu Keluarga (KK)): ")
    assert "Kantor Camat Tallo, Jl. Sultan Abdullah 5" in reply
    assert "Senin–Jumat 08.00–15.00 WITA" in reply
    assert chat.of_type(SendList) == []
