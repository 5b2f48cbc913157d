"""The IKM survey after completion and the complaint flow, at the engine level."""

from __future__ import annotations

from datetime import UTC, datetime

from app.flows.context import RequestSummary, ResidentContext
from app.flows.events import (
    ComplaintFiled,
    HandOff,
    Row,
    SendList,
    SendText,
    SurveyAnswered,
    WaitUntil,
)
from app.flows.inputs import SurveyStart, input_to_dict, parse_input
from tests.support.chat import Chat, ktp_until_documents

TICKET = "KTP-261122-0001"
INTRO = (
    "Permohonan KTP-el (KTP-261122-0001) sudah selesai. Bagaimana pelayanan kami? Mohon nilai "
    "9 pertanyaan singkat (1 = tidak baik, 4 = sangat baik). Ketik *batal* bila tidak ingin "
    "mengisi."
)
QUESTIONS = [
    "Pertanyaan 1 dari 9: Bagaimana kesesuaian persyaratan dengan jenis pelayanannya?",
    "Pertanyaan 2 dari 9: Bagaimana kemudahan prosedur pelayanan?",
    "Pertanyaan 3 dari 9: Bagaimana kecepatan waktu pelayanan?",
    "Pertanyaan 4 dari 9: Bagaimana biaya pelayanan?",
    "Pertanyaan 5 dari 9: Apakah hasil pelayanan sesuai dengan yang dijanjikan?",
    "Pertanyaan 6 dari 9: Bagaimana kemampuan petugas dalam melayani?",
    "Pertanyaan 7 dari 9: Bagaimana kesopanan dan keramahan petugas?",
    "Pertanyaan 8 dari 9: Bagaimana sarana dan prasarana pelayanan?",
    "Pertanyaan 9 dari 9: Bagaimana penanganan pengaduan, saran, dan masukan?",
]
THANKS = "Terima kasih atas penilaian Anda 🙏 Masukan Anda membantu kami memperbaiki pelayanan."
INVALID = "Mohon pilih dari daftar, atau ketik angka 1 sampai 4."
STOPPED = "Baik, survei kami hentikan. Terima kasih."
NOTED = (
    "Mohon maaf atas ketidaknyamanannya. Keluhan Anda sudah kami catat dan kami teruskan ke "
    "petugas; petugas akan membalas di sini. Anda juga bisa melapor ke SP4N-LAPOR! di lapor.go.id."
)
ASK_TEXT = "Silakan tulis keluhan Anda dalam satu pesan."
OPEN_KK = RequestSummary("KK-261120-0003", "kk", "in_review", datetime(2026, 11, 20, tzinfo=UTC))


def start(chat: Chat) -> None:
    chat.send(SurveyStart(TICKET, "ktp"))


def test_survey_start_round_trips_as_json():
    item = SurveyStart(TICKET, "ktp")
    assert input_to_dict(item) == {"ticket": TICKET, "service": "ktp", "type": "survey_start"}
    assert parse_input(input_to_dict(item)) == item


def test_happy_path_with_typed_and_tapped_answers(make_engine):
    chat = Chat(make_engine())
    start(chat)
    assert chat.events == [
        SendText(INTRO),
        SendList(
            QUESTIONS[0],
            "Pilih nilai",
            [
                Row("ikm:1", "1 Tidak sesuai"),
                Row("ikm:2", "2 Kurang sesuai"),
                Row("ikm:3", "3 Sesuai"),
                Row("ikm:4", "4 Sangat sesuai"),
            ],
            prompt="1",
        ),
        WaitUntil(None),
    ]
    chat.tap("ikm:4", "4 Sangat sesuai")
    assert chat.texts() == [QUESTIONS[1]]
    assert [event.prompt for event in chat.of_type(SendList)] == ["2"]  # each element its own
    chat.send("3")
    assert chat.texts() == [QUESTIONS[2]]
    chat.send("cepat")  # the wording of an answer counts too
    assert chat.texts() == [QUESTIONS[3]]
    rows = chat.of_type(SendList)[0].rows
    assert [row.title for row in rows] == [
        "1 Sangat mahal",
        "2 Cukup mahal",
        "3 Murah",
        "4 Gratis",
    ]
    chat.tap("ikm:4")
    for number, answer in enumerate(["4", "2", "4 sangat sopan", "3"], start=5):
        assert chat.texts() == [QUESTIONS[number - 1]]
        chat.send(answer)
    assert chat.texts() == [QUESTIONS[8]]
    chat.tap("ikm:1")
    assert chat.events == [
        SurveyAnswered(TICKET, [4, 3, 3, 4, 4, 2, 4, 3, 1]),
        SendText(THANKS),
        WaitUntil(None),
    ]
    assert chat.snapshot["feedback"] is None
    assert chat.snapshot["awaiting"] is None


def test_invalid_answer_is_asked_again_and_three_stop_the_survey(make_engine):
    chat = Chat(make_engine())
    start(chat)
    chat.send("5")
    assert chat.texts() == [INVALID, QUESTIONS[0]]
    chat.send("lumayan")
    assert chat.texts() == [INVALID, QUESTIONS[0]]
    chat.send("2")  # a valid answer resets the count
    chat.send("0")
    chat.send("??")
    assert chat.texts() == [INVALID, QUESTIONS[1]]
    chat.send("10")
    assert chat.texts() == [STOPPED]
    assert chat.of_type(SurveyAnswered) == []
    assert chat.snapshot["feedback"] is None


def test_batal_abandons_politely(make_engine):
    chat = Chat(make_engine())
    start(chat)
    chat.send("4")
    chat.send("batal")
    assert chat.texts() == [STOPPED]
    assert chat.of_type(SurveyAnswered) == []
    chat.send("4")  # no survey open any more: an ordinary message again
    assert chat.texts()[0] == "Maaf, kami belum mengerti pesan Anda."


def test_menu_abandons_and_shows_the_menu(make_engine):
    chat = Chat(make_engine())
    start(chat)
    chat.send("menu")
    assert chat.texts()[0] == STOPPED
    assert chat.texts()[1].startswith("Halo")
    assert chat.awaiting["kind"] == "menu"


def test_silence_then_something_else_drops_the_survey_without_nagging(make_engine):
    chat = Chat(make_engine())
    start(chat)
    chat.send("kk hilang")
    assert chat.snapshot["feedback"] is None
    assert chat.snapshot["draft"]["service"] == "kk"
    assert STOPPED not in chat.texts() and INVALID not in chat.texts()


def test_survey_does_not_interrupt_a_request_being_filled(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    before = chat.snapshot
    assert chat.send(SurveyStart(TICKET, "ktp")) == []
    assert chat.snapshot == before


def test_survey_is_ignored_during_a_hand_off(make_engine):
    chat = Chat(make_engine())
    chat.send("operator")
    assert chat.send(SurveyStart(TICKET, "ktp")) == []


def test_survey_in_english(make_engine):
    chat = Chat(make_engine(), ResidentContext(language="en"))
    start(chat)
    assert chat.texts()[1] == "Question 1 of 9: Do the requirements suit this kind of service?"


def test_complaint_with_a_ticket_is_confirmed_and_filed(make_engine):
    chat = Chat(make_engine(), ResidentContext(open_requests=[OPEN_KK]))
    chat.send("mau komplain")
    assert chat.texts() == ["Keluhan Anda tentang permohonan yang mana?"]
    assert chat.choices() == ["tkt:KK-261120-0003", "tkt:-"]
    chat.tap("tkt:KK-261120-0003", "KK-261120-0003")
    assert chat.texts() == [ASK_TEXT]
    chat.send("Petugas tidak datang ke rumah")
    assert chat.texts() == [
        "Keluhan Anda tentang permohonan KK-261120-0003:\nPetugas tidak datang ke rumah\n\n"
        "Kirim ke petugas?"
    ]
    assert chat.choices() == ["yes", "no"]
    chat.tap("yes", "Ya, kirim")
    assert chat.events[:3] == [
        ComplaintFiled("Petugas tidak datang ke rumah", "KK-261120-0003"),
        SendText(NOTED),
        HandOff("complaint"),
    ]
    assert chat.snapshot["handoff"] is True


def test_complaint_without_open_requests_asks_only_the_text(make_engine):
    chat = Chat(make_engine())
    chat.send("pengaduan")
    assert chat.texts() == [ASK_TEXT]
    chat.send("Antrean terlalu lama")
    assert chat.texts() == ["Keluhan Anda:\nAntrean terlalu lama\n\nKirim ke petugas?"]
    chat.send("ya")
    assert chat.of_type(ComplaintFiled) == [ComplaintFiled("Antrean terlalu lama", None)]


def test_complaint_general_then_declined(make_engine):
    chat = Chat(make_engine(), ResidentContext(open_requests=[OPEN_KK]))
    chat.send("komplain")
    chat.send("xyz")
    assert chat.texts() == [
        "Mohon pilih salah satu tombol di bawah.",
        "Keluhan Anda tentang permohonan yang mana?",
    ]
    chat.tap("tkt:-", "Bukan soal permohonan")
    chat.send("Kantor tutup jam 11")
    chat.send("tidak")
    assert chat.texts() == ["Baik, keluhan tidak kami kirim. Ketik *menu* bila ada yang lain."]
    assert chat.of_type(ComplaintFiled) == []
    assert chat.snapshot["handoff"] is False


def test_complaint_cancelled_with_batal(make_engine):
    chat = Chat(make_engine())
    chat.send("komplain")
    chat.send("batal")
    assert chat.texts() == ["Baik, keluhan tidak kami kirim. Ketik *menu* bila ada yang lain."]
    assert chat.snapshot["awaiting"] is None


def test_a_complaint_written_in_full_is_recorded_at_once(make_engine):
    chat = Chat(make_engine(), ResidentContext(open_requests=[OPEN_KK]))
    chat.send("udh 2 bulan kk gak jadi2 parah")
    assert chat.events[:3] == [
        ComplaintFiled("udh 2 bulan kk gak jadi2 parah", "KK-261120-0003"),
        SendText(NOTED),
        HandOff("complaint"),
    ]


def test_a_command_mid_survey_answers_then_asks_the_open_question_again(make_engine):
    chat = Chat(make_engine())
    start(chat)
    chat.tap("ikm:4", "4 Sangat sesuai")
    chat.send("status")
    texts = chat.texts()
    assert texts[-1] == QUESTIONS[1]
    assert len(texts) == 2  # the status answer, then question 2 again
