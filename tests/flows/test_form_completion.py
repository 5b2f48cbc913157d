"""The engine's side of a Flow form: the offer, the completion's checks, refusals (issue 13)."""

from __future__ import annotations

from typing import Any

from app.flows.context import ResidentContext
from app.flows.inputs import DocumentChecked, FormSubmitted, TextInput
from tests.support.engine_data import GOLDEN_DIR
from tests.support.golden import load, replay

FORMS = ResidentContext(name="Siti", forms=frozenset({"ktp"}))
ANSWERS = {
    "variant": "hilang",
    "nik": "1303015708900001",
    "nama": "Siti Aminah",
    "no_kk": "7307012010150001",
    "alamat": "Dusun Mawar RT 02/RW 01, Desa Contoh",
    "consent": True,
}


def test_lost_ktp_by_form_takes_four_resident_actions(make_engine, clock) -> None:
    """Pick service, open form, submit, confirm: opening the form sends nothing, so it counts
    once per completion; the locker's verdicts and the ticket are not the resident's doing."""
    golden = load(GOLDEN_DIR / "form_lost_ktp_all_valid.yaml")
    result = replay(make_engine(), clock, golden)
    actions = []
    for step in golden["steps"]:
        item = step["input"]
        if item["type"] == "form_submitted":
            actions += ["open form", "submit"]
        elif item["type"] == "text":
            actions.append("pick service")
        elif item["type"] == "choice" and item["id"] == "yes":
            actions.append("confirm")
        else:
            assert item["type"] in {"document_checked", "submission_accepted"}, item
    assert actions == ["pick service", "open form", "submit", "confirm"]
    submitted = [e for events in result.events for e in events if e["type"] == "submit_request"]
    assert [(e["service"], e["variant"], sorted(e["documents"])) for e in submitted] == [
        ("ktp", "hilang", ["kk", "surat_kehilangan"])
    ]


def test_no_form_is_offered_without_one_for_the_service(make_engine) -> None:
    engine = make_engine()
    for context in (ResidentContext(), ResidentContext(forms=frozenset({"kk"}))):
        step = engine.handle(None, TextInput("ktp saya hilang"), context)
        assert [e.type for e in step.events] == ["send_text", "send_text", "wait_until"]


def _offered(engine: Any) -> tuple[dict[str, Any], str]:
    step = engine.handle(None, TextInput("ktp saya hilang"), FORMS)
    [offer] = [e for e in step.events if e.type == "offer_form"]
    return step.snapshot, offer.token


def test_a_file_that_cannot_be_the_document_is_named_and_not_stored(make_engine) -> None:
    engine = make_engine()
    snapshot, token = _offered(engine)
    video = [{"file_name": "v.mp4", "mime_type": "video/mp4", "sha256": None, "id": "m-video"}]
    letter = [{"file_name": "s.pdf", "mime_type": "application/pdf", "sha256": None, "id": "m2"}]
    payload = ANSWERS | {"doc_kk": video, "doc_surat_kehilangan": letter}

    step = engine.handle(snapshot, FormSubmitted(payload=payload, flow_token=token), FORMS)

    stored = [e.media_id for e in step.events if e.type == "store_media"]
    assert stored == ["m2"]  # the video never reaches the locker

    step = engine.handle(step.snapshot, DocumentChecked("surat_kehilangan", "doc-2", True), FORMS)
    [said] = [e.text for e in step.events if e.type == "send_text"]
    assert said.splitlines()[1:6] == [
        "Ada yang perlu diperbaiki:",
        "• Kartu Keluarga harus dikirim sebagai foto atau file PDF. Silakan kirim ulang.",
        "Mohon kirim ulang yang di atas di chat ini. Yang lain sudah lengkap.",
        "Dari NIK: tanggal lahir 17 Agustus 1990, jenis kelamin perempuan. Bila keliru, bisa "
        "diubah di ringkasan nanti.",
        "Silakan kirim foto Kartu Keluarga. 📄",
    ]


def test_a_completion_with_no_draft_or_two_tokens_is_not_taken(make_engine) -> None:
    engine = make_engine()
    step = engine.handle(None, FormSubmitted(payload=ANSWERS, flow_token="t"), FORMS)
    assert [e.type for e in step.events] == ["send_list", "wait_until"]
    assert step.events[0].body.splitlines() == [  # type: ignore[union-attr]
        "Formulir ini sudah tidak berlaku. Silakan lanjutkan di chat.",
        "Silakan pilih layanan yang Anda perlukan, atau ketik pertanyaan Anda.",
    ]
    assert step.snapshot["draft"] is None

    snapshot, token = _offered(engine)
    both = FormSubmitted(payload=ANSWERS, flow_token=token, reply_token="another")
    step = engine.handle(snapshot, both, FORMS)
    assert [e.text for e in step.events if e.type == "send_text"] == [
        "Formulir ini sudah tidak berlaku. Silakan lanjutkan di chat.\n"
        "Silakan ketik NIK Anda (16 angka, ada di KK)."
    ]
    assert step.snapshot["draft"]["fields"] == {}


def test_an_optional_answer_left_empty_is_skipped_not_asked(make_engine) -> None:
    engine = make_engine()
    context = ResidentContext(forms=frozenset({"akta_kematian"}))
    step = engine.handle(None, TextInput("lapor kematian"), context)
    [offer] = [e for e in step.events if e.type == "offer_form"]
    step = engine.handle(step.snapshot, FormSubmitted(payload={}, flow_token=offer.token), context)
    assert "no_hp_lain" in step.snapshot["draft"]["skipped"]


def test_a_form_submitted_while_an_officer_has_the_chat_is_kept_for_later(make_engine) -> None:
    """Nothing is lost and nothing is silent: the files go to the locker, the bot's reply waits
    for the hand-off to end, and the resident hears that the form arrived."""
    engine = make_engine()
    snapshot, token = _offered(engine)
    snapshot = engine.handle(snapshot, TextInput("operator"), FORMS).snapshot
    assert snapshot["handoff"] is True
    letter = [{"file_name": "s.pdf", "mime_type": "application/pdf", "sha256": None, "id": "m2"}]

    step = engine.handle(
        snapshot,
        FormSubmitted(payload=ANSWERS | {"doc_surat_kehilangan": letter}, flow_token=token),
        FORMS,
    )

    assert [e.type for e in step.events] == ["store_media", "send_text", "wait_until"]
    assert step.events[1].text.startswith("Pesan Anda sudah kami terima.")  # type: ignore[union-attr]
    assert step.snapshot["draft"]["fields"]["nik"] == "1303015708900001"
    assert [held["text"] for held in step.snapshot["held"]] == [
        "Formulir Anda sudah kami terima. Foto dan dokumennya sedang kami periksa, mohon "
        "tunggu sebentar."
    ]


def test_the_birth_date_and_sex_the_form_no_longer_asks_are_filled_from_the_nik(
    make_engine,
) -> None:
    engine = make_engine()
    snapshot, token = _offered(engine)
    letter = [{"file_name": "s.pdf", "mime_type": "application/pdf", "sha256": None, "id": "m2"}]
    kk = [{"file_name": "k.pdf", "mime_type": "application/pdf", "sha256": None, "id": "m1"}]
    payload = ANSWERS | {"doc_kk": kk, "doc_surat_kehilangan": letter}
    step = engine.handle(snapshot, FormSubmitted(payload=payload, flow_token=token), FORMS)
    step = engine.handle(step.snapshot, DocumentChecked("kk", "doc-1", True), FORMS)
    step = engine.handle(step.snapshot, DocumentChecked("surat_kehilangan", "doc-2", True), FORMS)
    draft = step.snapshot["draft"]
    assert {key: draft["fields"][key] for key in ("tanggal_lahir", "jenis_kelamin")} == {
        "tanggal_lahir": "1990-08-17",
        "jenis_kelamin": "perempuan",
    }
    assert draft["derived"] == {"tanggal_lahir": "1990-08-17", "jenis_kelamin": "perempuan"}
    assert draft["warnings"] == {}
    summary = [e.body for e in step.events if e.type == "send_buttons"][-1]
    assert summary.splitlines()[6:8] == [
        "• Tanggal lahir: 17 Agustus 1990 (dari NIK)",
        "• Jenis kelamin: Perempuan (dari NIK)",
    ]
