"""Memory across requests (issue 13.6 and 13.8): consent, reuse per subject, forgetting.

The golden files `tests/flows/golden/memory_*.yaml` hold the whole conversations; these tests
count the resident's actions in them and check what is (and is not) offered and kept.
"""

from __future__ import annotations

from datetime import date

from app.flows.catalog import shipped_catalog
from app.flows.catalog.memory_rules import memory_problems
from app.flows.catalog.schema import MemorySpec, SubjectSpec
from app.flows.context import Remembered, RememberedSubject, ResidentContext
from app.flows.events import ForgetMemory, MemoryConsent, Remember, ReuseDocument, SendButtons
from app.flows.inputs import DocumentChecked, MediaInput, SubmissionAccepted
from app.flows.recall import subject_key
from tests.support.chat import Chat
from tests.support.engine_data import GOLDEN_DIR
from tests.support.golden import load, replay

RESIDENT_INPUTS = frozenset({"text", "choice", "media"})


def _actions(name: str) -> int:
    """How many messages the resident sends in a golden conversation (taps and photos count)."""
    steps = load(GOLDEN_DIR / f"{name}.yaml")["steps"]
    forms = sum(2 for step in steps if step["input"]["type"] == "form_submitted")  # open, submit
    return forms + sum(1 for step in steps if step["input"]["type"] in RESIDENT_INPUTS)


def test_a_second_request_takes_seven_messages() -> None:
    # Issue 13 asks for at most 7: the first message, "Ya", 2 answers, a photo, "Sudah semua",
    # "Ya, kirim". The first KK request of tests/flows/golden/service_kk.yaml took 11.
    assert _actions("memory_second_request_kk") == 7


def test_a_sipi_renewal_by_one_message_takes_five_actions() -> None:
    # The message, "Ya", the old SIPI's photo (one sheet: it moves on by itself), the logbook's
    # photo (a logbook may have several pages: the summary comes after a minute with no
    # other), "Ya, kirim". The logbook is new for every renewal, so it is asked although an
    # older one may be in the locker.
    assert _actions("memory_sipi_one_message") == 5


def test_the_old_sipis_photo_as_the_yes_renews_in_five_actions() -> None:
    # The message, the old SIPI's photo (it answers "Pakai data ini?"), the logbook's photo,
    # "Sudah semua", "Ya, kirim".
    assert _actions("memory_sipi_photo_first") == 5


def test_the_reminders_form_renews_in_three_actions() -> None:
    # Open the form from the reminder, submit it, "Ya, kirim" (tests/support: a form is two taps).
    assert _actions("memory_renewal_form") == 3


def test_the_other_boats_papers_are_never_offered(make_engine, clock) -> None:
    result = replay(make_engine(), clock, load(GOLDEN_DIR / "memory_two_boats.yaml"))
    reused = [
        e["document_id"] for step in result.events for e in step if e["type"] == "reuse_document"
    ]
    assert reused == ["bkp-cahaya", "pas-cahaya"]  # "Kapal lain" reused no boat's papers at all


def _context(consent: bool | None) -> ResidentContext:
    return ResidentContext(memory=Remembered(consent=consent))


def _kk_lost(chat: Chat) -> None:
    for text in ("kk saya hilang", "7307011203850002", "Andi Baso", "7307012010150001"):
        chat.send(text)
    for number, key in enumerate(("surat_kehilangan", "ktp"), start=1):
        chat.send(MediaInput(kind="image", media_id=f"m{number}", mime_type="image/jpeg"))
        chat.send(DocumentChecked(key, f"doc-{number}", True))
        chat.send("sudah")
    chat.send("ya")
    chat.send(SubmissionAccepted("KK-261122-0001", date(2026, 11, 25)))


def test_consent_is_asked_once_after_the_first_request_and_keeps_its_data(make_engine) -> None:
    chat = Chat(make_engine(), _context(None))
    _kk_lost(chat)
    question = chat.of_type(SendButtons)[-1]
    assert [b.title for b in question.buttons] == ["Ya, simpan", "Tidak usah"]
    events = chat.send("iya")
    assert events[:2] == [
        MemoryConsent(True),
        Remember(
            service="kk",
            person={"nik": "7307011203850002", "name": "Andi Baso", "kk": "7307012010150001"},
        ),
    ]
    assert chat.texts()[-1].startswith("Baik, data Anda kami simpan")


def test_a_resident_who_agreed_is_not_asked_again_and_each_request_is_kept(make_engine) -> None:
    chat = Chat(make_engine(), _context(True))
    chat.send("kk saya hilang")  # nothing kept yet: the questions as usual
    assert chat.texts()[-1] == "Silakan ketik NIK Anda (16 angka)."
    chat.stored = None
    _kk_lost(chat)
    assert chat.of_type(SendButtons) == []  # no consent question
    assert [type(e).__name__ for e in chat.events if isinstance(e, Remember)] == ["Remember"]


def test_a_refusal_is_not_asked_again(make_engine) -> None:
    chat = Chat(make_engine(), _context(False))
    _kk_lost(chat)
    assert chat.of_type(SendButtons) == []
    assert not any(isinstance(e, Remember | MemoryConsent) for e in chat.events)


def test_simpan_data_saya_agrees_later(make_engine) -> None:
    chat = Chat(make_engine(), _context(False))
    _kk_lost(chat)
    events = chat.send("tolong simpan data saya")
    assert events[0] == MemoryConsent(True)
    assert isinstance(events[1], Remember) and events[1].person["nik"] == "7307011203850002"


def test_ubah_goes_through_the_questions_and_reuses_nothing(make_engine) -> None:
    memory = Remembered(consent=True, person={"nik": "7307011203850002", "name": "Andi Baso"})
    chat = Chat(make_engine(), ResidentContext(memory=memory))
    chat.send("kk saya hilang")
    events = chat.tap("edit", "Ubah")
    assert not any(isinstance(e, ReuseDocument) for e in events)
    assert chat.texts() == ["Silakan ketik NIK Anda (16 angka)."]


def test_a_boat_is_named_in_the_first_message_whatever_its_prefix(make_engine) -> None:
    boat = RememberedSubject(kind="vessel", key="bintang laut", label="KM Bintang Laut")
    memory = Remembered(consent=True, subjects=(boat,))
    chat = Chat(make_engine(), ResidentContext(memory=memory))
    chat.send("mau perpanjang sipi kapal bintang laut")
    assert chat.awaiting["kind"] == "recall"
    assert chat.snapshot["draft"]["subject"] == "bintang laut"


def test_subject_keys_ignore_case_punctuation_and_the_prefix() -> None:
    assert subject_key("KM. Bintang  Laut") == "bintang laut"
    assert subject_key("Kapal KMN Cahaya-Timur 2") == "cahaya timur 2"


def test_keeping_the_boat_fills_its_permit_end_not_its_number(
    make_engine,
) -> None:
    boat = RememberedSubject(
        kind="vessel",
        key="bintang laut",
        label="KM Bintang Laut",
        fields={"nama_kapal": "KM Bintang Laut", "gt": 12, "alat_tangkap": "bagan"},
        expires_on=date(2028, 2, 29),
    )
    memory = Remembered(consent=True, subjects=(boat,))
    chat = Chat(make_engine(), ResidentContext(memory=memory))
    chat.send("perpanjang sipi KM Bintang Laut")
    chat.send("ya")
    assert chat.snapshot["draft"]["fields"]["sipi_berlaku_sampai"] == "2028-02-29"
    assert chat.snapshot["draft"]["skipped"] == ["no_sipi_lama"]


def test_the_catalog_names_only_fields_and_documents_it_has() -> None:
    sipi = shipped_catalog().get("sipi_perpanjangan")
    broken = sipi.model_copy(
        update={
            "memory": MemorySpec(
                person={"no_such": "nik"},
                subject=SubjectSpec(
                    kind="vessel",
                    label=sipi.names,
                    keys=["nama_kapal"],
                    documents=["logbook", "nothing"],
                    expires="gt",
                ),
            )
        }
    )
    assert list(memory_problems(broken)) == [
        (("memory", "person", "no_such"), "unknown field 'no_such'"),
        (("memory", "subject", "documents"), "document 'logbook' is remembered but not reusable"),
        (("memory", "subject", "documents"), "unknown document 'nothing'"),
        (("memory", "subject", "expires"), "field 'gt' is not a date"),
    ]
    assert list(memory_problems(sipi)) == []


def test_delete_my_data_in_english_is_answered_in_english(make_engine) -> None:
    memory = Remembered(consent=True, person={"nik": "7307011203850002"})
    chat = Chat(make_engine(), ResidentContext(language="en", memory=memory))
    events = chat.send("please delete my data")
    assert isinstance(events[0], ForgetMemory)
    assert chat.texts() == [
        "The data we kept for your next requests is deleted. Requests in progress are still "
        "processed."
    ]


def test_hapus_anggota_kk_is_not_a_request_to_forget(make_engine) -> None:
    chat = Chat(make_engine(), _context(True))
    events = chat.send("mau hapus anggota kk")
    assert not any(isinstance(e, ForgetMemory) for e in events)
    assert chat.snapshot["draft"]["service"] == "kk"
