"""Questions and answers: validation, re-asking, three failures, edits, warnings."""

from __future__ import annotations

from app.flows.events import HandOff, SubmitRequest
from tests.support.chat import KK, NIK, Chat, ktp_until_documents


def start_ktp(chat: Chat) -> None:
    chat.send("ktp saya hilang")


def test_first_message_naming_service_and_variant_skips_the_variant_question(make_engine):
    chat = Chat(make_engine())
    chat.send("ktp sy ilang min")
    assert chat.texts()[-1] == "Silakan ketik NIK Anda (16 angka, ada di KK)."
    assert chat.snapshot["draft"]["variant"] == "hilang"
    assert chat.snapshot["draft"]["id"] == "id-1"


def test_invalid_nik_is_re_asked_with_the_reason_and_an_example(make_engine):
    chat = Chat(make_engine())
    start_ktp(chat)
    chat.send("130301570890001")
    assert chat.texts() == [
        "NIK yang Anda kirim 15 angka. NIK harus 16 angka. Contoh: 1303015708900001"
    ]
    assert chat.awaiting["key"] == "nik"
    chat.send("9903015708900001")
    assert chat.texts() == [
        "Dua angka pertama NIK (99) bukan kode provinsi. Coba periksa lagi, ya."
    ]
    assert chat.snapshot["tries"] == 2


def test_three_failures_offer_an_operator_and_retry_goes_back(make_engine):
    chat = Chat(make_engine())
    start_ktp(chat)
    chat.send("abc")
    chat.send("123")
    chat.send("nik saya lupa")
    assert chat.texts()[-1] == "Sepertinya ada kendala. Mau kami hubungkan dengan petugas?"
    assert chat.choices() == ["agent", "retry"]
    chat.tap("retry", "Coba lagi")
    assert chat.texts() == ["Silakan ketik NIK Anda (16 angka, ada di KK)."]
    chat.send(NIK)
    assert chat.awaiting == {
        "kind": "field",
        "key": "nama",
        "page": 0,
        "target": None,
        "prompt": "3",  # NIK 1, the operator offer 2, the name 3
    }


def test_operator_chosen_after_three_failures_hands_off(make_engine):
    chat = Chat(make_engine())
    start_ktp(chat)
    for wrong in ("a", "b", "c"):
        chat.send(wrong)
    chat.tap("agent", "Hubungi petugas")
    assert chat.of_type(HandOff) == [HandOff("validation_failed")]
    assert chat.snapshot["handoff"] is True


def test_typed_answers_work_like_taps(make_engine):
    chat = Chat(make_engine())
    chat.send("mau urus ktp")
    chat.send("2")  # the second variant in the list: KTP-el hilang
    assert chat.snapshot["draft"]["variant"] == "hilang"
    for answer in (NIK, "Siti Aminah"):
        chat.send(answer)
    # The birth date and sex are read from the NIK, never typed.
    assert chat.snapshot["draft"]["fields"]["jenis_kelamin"] == "perempuan"
    assert chat.snapshot["draft"]["fields"]["tanggal_lahir"] == "1990-08-17"
    assert chat.awaiting["key"] == "no_kk"


def test_a_choice_that_matches_nothing_re_shows_the_buttons(make_engine):
    chat = Chat(make_engine())
    chat.send("mau buat ktp baru")
    for answer in (NIK, "Siti Aminah", KK):
        chat.send(answer)
    chat.send("sapi")  # at the marital status
    # One message: the reason as the body of the buttons, not the reason and the prompt.
    assert chat.texts() == ["Mohon pilih salah satu pilihan di bawah."]
    assert chat.choices() == ["opt:belum_kawin", "opt:kawin", "opt:cerai_hidup", "opt:cerai_mati"]
    assert chat.prompts() == [chat.awaiting["prompt"]]


def test_kk_number_equal_to_the_nik_is_refused(make_engine):
    chat = Chat(make_engine())
    start_ktp(chat)
    for answer in (NIK, "Siti Aminah"):
        chat.send(answer)
    chat.send(NIK)
    assert chat.texts() == ["Itu NIK, bukan nomor KK. Nomor KK ada di bagian atas Kartu Keluarga."]


def test_summary_edit_changes_one_field_and_returns_to_the_summary(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(_checked("kk", "doc-1"))
    chat.tap("done")
    chat.photo("m2")
    chat.send(_checked("surat_kehilangan", "doc-2"))
    chat.tap("done")
    assert chat.choices() == ["yes:pickup", "yes:home", "edit"]
    chat.tap("edit", "Ubah data")
    assert chat.texts() == ["Bagian mana yang ingin diubah?"]
    assert "fld:nama" in chat.choices() and "doc:kk" in chat.choices()
    chat.send("Nama lengkap")
    assert chat.texts() == ["Silakan ketik nama lengkap Anda sesuai KK."]
    chat.send("Siti Aminah Putri")
    assert "• Nama lengkap: Siti Aminah Putri" in chat.texts()[0]
    chat.tap("yes")
    [submit] = chat.of_type(SubmitRequest)
    assert submit.fields["nama"] == "Siti Aminah Putri"
    assert submit.documents == {"kk": ["doc-1"], "surat_kehilangan": ["doc-2"]}


def test_optional_field_can_be_skipped(make_engine):
    chat = Chat(make_engine())
    chat.send("akta kematian")
    for answer in ("7307014101450004", "Hasnah", "02-11-2026", "rumah", "7307011203850002"):
        chat.send(answer)
    chat.send("anak")
    chat.send(KK)
    assert chat.texts()[-1].endswith("Ketik *lewati* bila tidak ada.")
    chat.send("lewati")
    assert chat.snapshot["draft"]["skipped"] == ["no_hp_lain"]
    assert chat.awaiting["kind"] == "document"


def _checked(requirement: str, document_id: str, accepted: bool = True, reason=None):
    from app.flows.inputs import DocumentChecked

    return DocumentChecked(requirement, document_id, accepted, reason)


def test_summary_edit_of_a_document_asks_for_it_again(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(_checked("kk", "doc-1"))
    chat.tap("done")
    chat.photo("m2")
    chat.send(_checked("surat_kehilangan", "doc-2"))
    chat.tap("done")
    chat.tap("edit")
    chat.tap("doc:kk", "📄 Kartu Keluarga")
    assert chat.texts()[0].startswith("Silakan kirim foto Kartu Keluarga. 📄")
    chat.photo("m3")
    chat.send(_checked("kk", "doc-3"))
    chat.tap("done")
    assert chat.choices() == ["yes:pickup", "yes:home", "edit"]
    chat.tap("yes:home", "Ya, antar ke rumah")
    [submit] = chat.of_type(SubmitRequest)
    assert submit.documents == {"kk": ["doc-3"], "surat_kehilangan": ["doc-2"]}
    assert submit.delivery == "home"


def test_changing_the_variant_asks_only_what_the_new_variant_needs(make_engine):
    chat = Chat(make_engine())
    ktp_until_documents(chat)
    chat.photo("m1")
    chat.send(_checked("kk", "doc-1"))
    chat.tap("done")
    chat.photo("m2")
    chat.send(_checked("surat_kehilangan", "doc-2"))
    chat.tap("done")
    chat.tap("edit")
    chat.tap("var")
    assert chat.choices()[0] == "var:baru"
    chat.tap("var:baru")
    assert chat.choices() == ["opt:belum_kawin", "opt:kawin", "opt:cerai_hidup", "opt:cerai_mati"]
    chat.tap("opt:kawin")
    chat.tap("yes")
    [submit] = chat.of_type(SubmitRequest)
    assert submit.variant == "baru"
    assert submit.fields["status_kawin"] == "kawin"
    assert submit.documents == {"kk": ["doc-1"]}  # the police report no longer applies
