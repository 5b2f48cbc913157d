"""Issue 12.5: a hand-off keeps its promise.

During a hand-off each message is acknowledged with when an officer will answer (at most once per
ten minutes), "status", "menu" and "selesai"/"batal" still work, and only an explicit request for
a person hands off.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.flows.context import OfficeInfo, ResidentContext
from app.flows.events import HandOff, SendText, WaitUntil
from app.flows.handoff_timeout import after_working_hours
from app.flows.inputs import OperatorEvent, SurveyStart, TimeoutInput
from tests.support.chat import NIK, Chat, ktp_until_documents

JAKARTA = ZoneInfo("Asia/Jakarta")
OPEN = OfficeInfo(name="Disdukcapil Contoh", open_now=True, closing=time(15, 0))
CLOSED_TILL_MONDAY = OfficeInfo(
    name="Disdukcapil Contoh", opens_next=datetime(2026, 12, 7, 8, 0, tzinfo=JAKARTA)
)
CLOSED_TILL_TOMORROW = OfficeInfo(
    name="Disdukcapil Contoh", opens_next=datetime(2026, 11, 23, 8, 0, tzinfo=JAKARTA)
)
HANDED_OFF = (
    "Baik, kami hubungkan Anda dengan petugas. Mohon tunggu, petugas akan membalas di sini."
)
TODAY = "Petugas kami akan membalas hari ini sebelum pukul 15.00."
KK_QUESTION = (
    "Silakan kirim foto Kartu Keluarga. 📄\n"
    "Boleh foto atau file PDF. Pastikan dokumen asli, jelas, dan terlihat utuh."
)


def handed_off(make_engine, office: OfficeInfo | None = OPEN, language: str = "id") -> Chat:
    chat = Chat(make_engine(), ResidentContext(language=language, office=office))
    chat.send("operator")
    assert chat.of_type(HandOff) == [HandOff("resident_request")]
    return chat


def test_a_message_during_a_hand_off_says_when_an_officer_answers(make_engine):
    chat = handed_off(make_engine)
    chat.send("pak, KTP saya hilang di jalan")
    assert chat.texts() == [f"Pesan Anda sudah kami terima. {TODAY}"]
    assert chat.snapshot["handoff"] is True


def test_five_lines_in_a_row_get_one_acknowledgement_then_one_after_ten_minutes(make_engine, clock):
    chat = handed_off(make_engine)
    replies = []
    for line in ("halo", "saya mau tanya", "soal KTP", "yang hilang", "mohon dibantu"):
        clock.advance(minutes=1)
        replies.append(chat.send(line))
    assert [len([e for e in events if isinstance(e, SendText)]) for events in replies] == [
        1,
        0,
        0,
        0,
        0,
    ]
    clock.advance(minutes=5)  # nine minutes after the acknowledgement
    chat.send("halo?")
    assert chat.events == []
    clock.advance(minutes=1)  # ten minutes after the first acknowledgement
    chat.send("halo?")
    assert chat.texts() == [f"Pesan Anda sudah kami terima. {TODAY}"]


def test_a_closed_office_names_the_day_and_hour_it_opens(make_engine):
    chat = handed_off(make_engine, CLOSED_TILL_MONDAY)
    chat.send("halo")
    assert chat.texts() == [
        "Pesan Anda sudah kami terima. Kantor sedang tutup; petugas akan membalas "
        "Senin, 7 Desember, mulai pukul 08.00."
    ]


def test_an_office_opening_tomorrow_says_tomorrow_in_english(make_engine):
    chat = handed_off(make_engine, CLOSED_TILL_TOMORROW, language="en")
    chat.send("hello")
    assert chat.texts() == [
        "We have received your message. The office is closed now; an officer will reply "
        "tomorrow, from 08:00."
    ]


def test_without_office_hours_the_promise_is_general(make_engine):
    chat = handed_off(make_engine, office=None)
    chat.send("halo")
    assert chat.texts() == [
        "Pesan Anda sudah kami terima. Petugas akan membalas di sini secepatnya."
    ]


def test_status_still_answers_during_a_hand_off(make_engine):
    chat = handed_off(make_engine)
    chat.send("status")
    assert chat.texts() == [
        "Belum ada permohonan yang sedang berjalan. Ketik *menu* untuk mengajukan permohonan."
    ]
    assert chat.snapshot["handoff"] is True


def test_menu_during_a_hand_off_says_how_to_go_back_and_keeps_waiting(make_engine):
    chat = handed_off(make_engine)
    chat.send("halo")
    chat.send("menu")  # answered even right after an acknowledgement: it is a command
    assert chat.texts() == [
        f"Anda sedang menunggu petugas. {TODAY} Ketik *selesai* bila ingin kembali ke menu."
    ]
    assert chat.snapshot["handoff"] is True


def test_selesai_ends_the_wait_and_the_open_question_is_asked_again(make_engine):
    chat = Chat(make_engine(), ResidentContext(office=OPEN))
    ktp_until_documents(chat)
    chat.send("operator")
    chat.send("selesai")
    assert chat.texts() == [
        "Baik, Anda tidak lagi menunggu petugas. Ketik *menu* untuk melihat layanan.",
        KK_QUESTION,
    ]
    assert chat.snapshot["handoff"] is False
    assert chat.snapshot["handoff_acked"] is None
    [wait] = chat.of_type(WaitUntil)  # the reminder clock runs again for the open question
    assert wait.deadline is not None
    chat.send("menu")
    assert chat.texts()[0] != f"Anda sedang menunggu petugas. {TODAY}"
    assert chat.snapshot["awaiting"]["kind"] == "menu"


def test_batal_ends_the_wait_too(make_engine):
    chat = handed_off(make_engine)
    chat.send("batal")
    assert chat.texts() == [
        "Baik, Anda tidak lagi menunggu petugas. Ketik *menu* untuk melihat layanan."
    ]
    assert chat.snapshot["handoff"] is False


def test_a_survey_does_not_start_during_a_hand_off(make_engine):
    chat = handed_off(make_engine)
    chat.send(SurveyStart("KTP-261122-0001", "ktp"))
    assert chat.events == []
    assert chat.snapshot["feedback"] is None


def test_the_officer_ending_the_hand_off_clears_the_acknowledgement_clock(make_engine):
    chat = handed_off(make_engine)
    chat.send("halo")
    chat.send(OperatorEvent("handoff_ended"))
    assert chat.texts() == ["Petugas sudah selesai membantu. Ketik *menu* bila ada yang lain."]
    assert chat.snapshot["handoff_acked"] is None


def test_a_greeting_that_names_the_officer_is_a_greeting(make_engine):
    for greeting in ("halo pak petugas, selamat pagi", "pagi petugas"):
        chat = Chat(make_engine())
        chat.send(greeting)
        assert chat.of_type(HandOff) == []
        assert chat.snapshot["awaiting"]["kind"] == "menu"


def test_an_explicit_request_for_a_person_hands_off(make_engine):
    for request in ("mau bicara dengan petugas", "bisa sambung ke orang?", "operator"):
        chat = Chat(make_engine())
        chat.send(request)
        assert chat.of_type(HandOff) == [HandOff("resident_request")], request
        assert chat.texts() == [HANDED_OFF]


def test_a_request_for_a_person_in_the_middle_of_a_question_hands_off(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send("saya mau bicara dengan petugas")
    assert chat.of_type(HandOff) == [HandOff("resident_request")]
    assert chat.texts() == [HANDED_OFF]
    assert (chat.snapshot["awaiting"]["kind"], chat.snapshot["awaiting"]["key"]) == ("field", "nik")


def test_a_greeting_or_a_name_in_the_middle_of_a_question_does_not_hand_off(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp hilang")
    chat.send(NIK)
    for text in ("halo pak petugas, selamat pagi", "Ahmad Petugas"):
        chat.send(text)
        assert chat.of_type(HandOff) == [], text
        assert chat.texts() == ["Mohon ketik namanya saja. Contoh: Siti Aminah"]  # as always


TIMED_OUT = (
    "Maaf, petugas belum sempat membalas. Kami lanjutkan di sini; ketik *operator* bila tetap "
    "ingin dibantu petugas."
)


def test_working_hours_skip_closed_hours_weekends_and_days_off():
    office = OfficeInfo(name="Disdukcapil Contoh", days_off=(date(2026, 11, 23),))
    friday_three_pm = datetime(2026, 11, 20, 15, 0, tzinfo=JAKARTA)
    # One hour on Friday, Monday 23 is a day off, three hours on Tuesday from 08.00.
    assert after_working_hours(friday_three_pm, 4, office, JAKARTA) == datetime(
        2026, 11, 24, 11, 0, tzinfo=JAKARTA
    )
    assert after_working_hours(friday_three_pm, 1, office, JAKARTA) == datetime(
        2026, 11, 20, 16, 0, tzinfo=JAKARTA
    )
    never_open = OfficeInfo(name="Disdukcapil Contoh", working_weekdays=())
    assert after_working_hours(friday_three_pm, 1, never_open, JAKARTA) is None


def test_an_unanswered_hand_off_returns_to_the_bot_after_the_working_hours(make_engine, clock):
    chat = Chat(make_engine(handoff_timeout_hours=4), ResidentContext(office=OPEN))
    chat.send("ktp hilang")
    chat.send("operator")  # Sunday 08.00 WIB: the four hours are Monday 08.00-12.00
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=JAKARTA)
    assert chat.of_type(WaitUntil) == [WaitUntil(monday_noon)]
    clock.advance(hours=27, minutes=59)
    chat.send(TimeoutInput())
    assert chat.events == []  # too early: still waiting for an officer
    clock.advance(minutes=1)
    chat.send(TimeoutInput())
    assert chat.texts() == [TIMED_OUT, "Silakan ketik NIK Anda (16 angka, ada di KK)."]
    assert chat.snapshot["handoff"] is False
    assert chat.snapshot["handoff_until"] is None
    [wait] = chat.of_type(WaitUntil)
    assert wait.deadline is not None and wait.deadline > monday_noon


def test_an_ended_hand_off_ignores_its_old_timeout(make_engine, clock):
    chat = Chat(make_engine(handoff_timeout_hours=4), ResidentContext(office=OPEN))
    chat.send("operator")
    chat.send(OperatorEvent("handoff_ended"))
    assert chat.snapshot["handoff_until"] is None
    clock.advance(hours=30)
    chat.send(TimeoutInput())
    assert chat.events == []


def test_an_answered_hand_off_does_not_time_out_and_lasts_until_it_is_ended(make_engine, clock):
    chat = Chat(make_engine(handoff_timeout_hours=4), ResidentContext(office=OPEN))
    chat.send("ktp hilang")
    chat.send("operator")
    chat.send(OperatorEvent("handoff_answered"))  # an officer wrote from the dashboard
    assert chat.events == []  # the officer's own message is the answer; the bot says nothing
    assert (chat.snapshot["handoff"], chat.snapshot["handoff_until"]) == (True, None)
    clock.advance(hours=30)
    chat.send(TimeoutInput())
    assert chat.events == []  # the old timer is stale: still with the officer
    assert chat.snapshot["handoff"] is True
    chat.send(OperatorEvent("handoff_ended"))
    assert chat.texts()[-1] == "Silakan ketik NIK Anda (16 angka, ada di KK)."


def test_without_a_setting_a_hand_off_waits_for_an_officer(make_engine):
    chat = handed_off(make_engine)
    assert chat.of_type(WaitUntil) == [WaitUntil(None)]
    assert chat.snapshot["handoff_until"] is None
