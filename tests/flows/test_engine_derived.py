"""Deriving instead of asking (app/flows/derived.py), on the shipped catalog."""

from __future__ import annotations

from app.flows.events import SubmitRequest
from app.flows.inputs import DocumentChecked
from tests.support.chat import Chat

ADDRESS = "Dusun Mawar RT 02/RW 01, Desa Contoh"


def _to_summary(chat: Chat, nik: str) -> None:
    for text in ("ktp saya hilang", nik, "Andi Baso", "7307012010150001", ADDRESS):
        chat.send(text)
    for number, key in ((1, "kk"), (2, "surat_kehilangan")):
        chat.photo(f"m{number}")
        chat.send(DocumentChecked(key, f"doc-{number}", accepted=True))
        if key == "kk":  # the KK may have a second photo; the police letter is one sheet
            chat.tap("done", "Sudah semua", chat.awaiting["prompt"])


def test_a_corrected_nik_brings_its_own_birth_date_and_sex(make_engine) -> None:
    chat = Chat(make_engine())
    _to_summary(chat, "7307011708650001")
    chat.tap("edit", "Ubah data", chat.awaiting["prompt"])
    chat.tap("fld:nik", "NIK", chat.awaiting["prompt"])
    chat.send("7307015203700002")
    assert chat.texts()[0].startswith(
        "Dari NIK: tanggal lahir 12 Maret 1970, jenis kelamin perempuan."
    )
    chat.tap("yes", "Ya, kirim", chat.awaiting["prompt"])
    [submitted] = chat.of_type(SubmitRequest)
    assert submitted.fields["tanggal_lahir"] == "1970-03-12"
    assert submitted.fields["jenis_kelamin"] == "perempuan"
    assert submitted.warnings == {}


def test_a_sex_the_resident_changed_stays_theirs_when_the_nik_changes(make_engine) -> None:
    chat = Chat(make_engine())
    _to_summary(chat, "7307011708650001")
    chat.tap("edit", "Ubah data", chat.awaiting["prompt"])
    chat.tap("fld:jenis_kelamin", "Jenis kelamin", chat.awaiting["prompt"])
    chat.tap("opt:perempuan", "Perempuan", chat.awaiting["prompt"])
    chat.tap("edit", "Ubah data", chat.awaiting["prompt"])
    chat.tap("fld:nik", "NIK", chat.awaiting["prompt"])
    chat.send("7307011708650002")
    chat.tap("yes", "Ya, kirim", chat.awaiting["prompt"])
    [submitted] = chat.of_type(SubmitRequest)
    assert submitted.fields["jenis_kelamin"] == "perempuan"
    assert submitted.warnings == {"nik": ["nik_sex_mismatch"]}


def test_a_child_of_no_age_group_is_asked_the_group(make_engine) -> None:
    chat = Chat(make_engine())
    for text in ("mau buat kia untuk anak saya", "Ahmad Fauzi"):
        chat.send(text)
    chat.send("7307011503080003")  # born 15-03-2008: 18 at the fixed clock, in neither group
    assert chat.awaiting["kind"] == "variant"
    assert chat.choices() == ["var:balita", "var:usia_5_17"]
