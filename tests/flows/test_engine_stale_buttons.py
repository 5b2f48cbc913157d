"""A button or list reply answers only the question whose message carried it (prompt ids)."""

from __future__ import annotations

from datetime import date

from app.flows.context import Remembered, ResidentContext
from app.flows.events import HandOff, SubmitRequest
from app.flows.inputs import DocumentChecked, OperatorEvent, SubmissionAccepted, SurveyStart
from app.flows.system import message_from_dict
from tests.support.chat import Chat, ktp_until_documents

STALE = "Tombol itu sudah tidak berlaku."
MENU_BODY = "Silakan pilih layanan yang Anda perlukan, atau ketik pertanyaan Anda."


def photo_accepted(chat: Chat, requirement: str, media_id: str) -> None:
    chat.photo(media_id)
    chat.send(DocumentChecked(requirement, f"doc-{media_id}", accepted=True))


def ktp_until_summary(chat: Chat) -> dict[str, str]:
    """A KTP-el "hilang" up to the summary; the prompt id of each step that had buttons."""
    ktp_until_documents(chat)
    prompts = {}
    photo_accepted(chat, "kk", "m1")
    prompts["kk_done"] = chat.prompts()[0]
    chat.tap("done", "Sudah semua", prompts["kk_done"])
    photo_accepted(chat, "surat_kehilangan", "m2")  # one sheet: straight to the summary
    assert chat.awaiting["kind"] == "confirm"
    prompts["confirm"] = chat.prompts()[0]
    return prompts


def test_each_question_has_its_own_prompt_and_asking_again_keeps_it(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    asked = chat.awaiting["prompt"]
    photo_accepted(chat, "kk", "m1")
    assert chat.prompts() == [asked]  # "Sudah semua" belongs to the KK question
    chat.send("status")  # a side question: the KK question is asked again, the same question
    assert chat.awaiting == {
        "kind": "document",
        "key": "kk",
        "page": 0,
        "target": None,
        "prompt": asked,
    }
    chat.tap("done", "Sudah semua", asked)
    assert chat.awaiting["key"] == "surat_kehilangan"
    assert chat.awaiting["prompt"] != asked


def test_an_old_sudah_semua_at_the_summary_does_not_submit(make_engine):
    chat = Chat(make_engine())
    prompts = ktp_until_summary(chat)
    summary = chat.texts()[-1]  # after "Kami terima 1 foto untuk Surat kehilangan dari polisi."
    chat.tap("done", "Sudah semua", prompts["kk_done"])
    assert chat.of_type(SubmitRequest) == []
    assert chat.texts() == [f"{STALE}\n{summary}"]
    assert chat.prompts() == [prompts["confirm"]]
    assert chat.awaiting["kind"] == "confirm"
    assert chat.snapshot["tries"] == 0  # an old button is not a failed try
    chat.tap("yes", "Ya, kirim", prompts["confirm"])
    assert len(chat.of_type(SubmitRequest)) == 1


def test_the_summary_buttons_from_before_an_edit_do_not_submit_the_changed_data(make_engine):
    chat = Chat(make_engine())
    prompts = ktp_until_summary(chat)
    chat.tap("edit", "Ubah data", prompts["confirm"])
    chat.tap("fld:alamat", "Alamat", chat.prompts()[0])
    chat.send("Jl. Kenanga 5 RT 03/RW 02")
    new_summary = chat.texts()[0]
    assert "Jl. Kenanga 5" in new_summary
    chat.tap("yes", "Ya, kirim", prompts["confirm"])  # the summary of the old address
    assert chat.of_type(SubmitRequest) == []
    assert chat.texts() == [f"{STALE}\n{new_summary}"]


def test_without_a_known_message_a_tap_is_read_as_before(make_engine):
    chat = Chat(make_engine())
    ktp_until_summary(chat)
    chat.tap("yes", "Ya, kirim")  # no reply context (simulator, old message): no prompt
    assert len(chat.of_type(SubmitRequest)) == 1


def test_services_and_commands_from_an_old_menu_still_work(make_engine):
    chat = Chat(make_engine())
    chat.send("halo")
    menu_prompt = chat.prompts()[0]
    chat.tap("svc:ktp", "KTP-el", menu_prompt)
    chat.tap("svc:kk", "Kartu Keluarga (KK)", menu_prompt)  # like typing "kk"
    assert chat.texts() == ["Lanjutkan permohonan KTP-el yang belum selesai?"]
    chat.tap("cmd:status", "Cek status", menu_prompt)
    assert chat.texts() == [
        "Permohonan Anda:\n• KTP-el: belum selesai diisi. Ketik *menu* untuk melanjutkan.",
        "Lanjutkan permohonan KTP-el yang belum selesai?",
    ]
    chat.tap("cmd:agent", "Bicara dengan petugas", menu_prompt)
    assert chat.of_type(HandOff) == [HandOff("resident_request")]


def test_an_old_button_after_the_request_is_sent_gets_the_menu(make_engine):
    # Declined earlier: no question about keeping the data is open after the submission.
    chat = Chat(make_engine(), ResidentContext(memory=Remembered(consent=False)))
    prompts = ktp_until_summary(chat)
    chat.tap("yes", "Ya, kirim", prompts["confirm"])
    assert len(chat.of_type(SubmitRequest)) == 1
    chat.tap("yes", "Ya, kirim", prompts["confirm"])  # tapped twice while it is being sent
    assert chat.texts() == [f"{STALE}\nPermohonan Anda sedang kami kirim. Mohon tunggu sebentar."]
    chat.send(SubmissionAccepted("KTP-261122-0001", date(2026, 12, 11)))
    chat.tap("yes", "Ya, kirim", prompts["confirm"])  # and once more: nothing is open now
    assert chat.of_type(SubmitRequest) == []
    assert chat.texts() == [f"{STALE}\n{MENU_BODY}"]
    assert chat.awaiting["kind"] == "menu"


def test_an_old_page_of_a_list_is_stale_too(make_engine):
    chat = Chat(make_engine())
    chat.send("halo")
    old = chat.prompts()[0]
    chat.send("ktp hilang")
    chat.tap("page:1", "Pilihan lainnya ▶", old)
    assert chat.texts() == [f"{STALE}\nSilakan ketik NIK Anda (16 angka, ada di KK)."]


def test_the_question_back_after_the_operator_offer_keeps_its_buttons_valid(make_engine):
    chat = Chat(make_engine())
    chat.send("mau buat ktp baru")
    for answer in ("1303015708900001", "Siti Aminah", "7307012010150001"):
        chat.send(answer)
    status = chat.prompts()[0]  # the marital status
    for wrong in ("x", "q", "z"):  # ("y" is a yes: not a failed try at a choice)
        chat.send(wrong)
    assert chat.awaiting["kind"] == "operator_offer"
    chat.tap("retry", "Coba lagi", chat.prompts()[0])
    assert chat.prompts() == [status]
    chat.tap("opt:kawin", "Kawin", status)
    assert chat.snapshot["draft"]["fields"]["status_kawin"] == "kawin"


def test_messages_held_during_a_hand_off_keep_their_prompt(make_engine):
    held = {
        "body": "Sudah benar?",
        "buttons": [{"id": "yes", "title": "Ya, kirim"}],
        "prompt": "4",
        "type": "send_buttons",
    }
    assert message_from_dict(held).to_dict() == held
    chat = Chat(make_engine())
    prompts = ktp_until_summary(chat)
    chat.send("operator")
    chat.send(OperatorEvent("handoff_ended"))
    assert chat.prompts() == [prompts["confirm"]]


def test_each_survey_question_is_its_own_prompt(make_engine):
    chat = Chat(make_engine())
    chat.send(SurveyStart("KTP-261122-0001", "ktp"))
    first = chat.prompts()[0]
    chat.tap("ikm:4", "4 Sangat sesuai", first)
    second = chat.prompts()[0]
    chat.tap("ikm:1", "1 Tidak mudah", first)  # the first question's list, tapped again
    assert chat.texts()[0].startswith(f"{STALE}\nPertanyaan 2 dari 9")
    assert chat.snapshot["feedback"]["scores"] == [4]
    chat.tap("ikm:3", "3 Mudah", second)
    assert chat.snapshot["feedback"]["scores"] == [4, 3]
