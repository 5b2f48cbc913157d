"""The engine's side of the expiry reminder's renewal form (issue 13.8): the completion starts
the renewal of the boat its token names, reuses what memory keeps, and asks to confirm."""

from __future__ import annotations

from typing import Any

from app.flows.catalog import shipped_catalog
from app.flows.inputs import ChoiceInput, DocumentChecked, FormSubmitted, TextInput
from app.flows.renewal_form import prefill
from tests.support.engine_data import GOLDEN_DIR, START
from tests.support.golden import build_context, load
from tests.support.renewal_prefill import PREFILL

CONTEXT = build_context(load(GOLDEN_DIR / "memory_sipi_one_message.yaml")["context"])
SIPI = shipped_catalog().services["sipi_perpanjangan"]


def _file(media_id: str) -> list[dict[str, Any]]:
    return [
        {"file_name": f"{media_id}.jpg", "mime_type": "image/jpeg", "sha256": None, "id": media_id}
    ]


def _said(step: Any) -> list[str]:
    """The resident's messages of a turn, as text."""
    return [getattr(e, "text", None) or e.body for e in step.events if e.type.startswith("send_")]


def _form(token: str = "renewal-token", subject: str = "bintang laut") -> FormSubmitted:
    answers = {k: v for k, v in PREFILL.items() if not k.startswith("held_")}
    answers |= {"doc_sipi_lama": _file("m1"), "doc_logbook": _file("m2"), "consent": True}
    return FormSubmitted(
        payload=answers,
        flow_token=token,
        renewal="sipi_perpanjangan",
        renewal_subject=subject,
    )


def test_the_form_opens_with_what_the_chat_would_offer() -> None:
    assert prefill(SIPI, CONTEXT.memory, CONTEXT.locker, "bintang laut", now=START) == PREFILL


def test_the_other_boats_form_shows_only_that_boat() -> None:
    data = prefill(SIPI, CONTEXT.memory, CONTEXT.locker, "cahaya timur", now=START)
    assert (data["nama_kapal"], data["gt"], data["alat_tangkap"]) == (
        "KM Cahaya Timur",
        "5",
        "bagan",
    )
    assert data["sipi_berlaku_sampai"] == ""  # Loket holds no end date for that boat's SIPI


def test_the_completion_starts_the_renewal_and_asks_to_confirm(make_engine) -> None:
    engine = make_engine()
    step = engine.handle(None, _form(), CONTEXT)
    assert [(e.type, getattr(e, "requirement", None)) for e in step.events] == [
        ("reuse_document", "bkp"),
        ("reuse_document", "pas_kapal"),
        ("reuse_document", "nib"),
        ("reuse_document", "ktp_pemilik"),
        ("store_media", "sipi_lama"),
        ("store_media", "logbook"),
        ("send_text", None),
        ("wait_until", None),
    ]
    step = engine.handle(step.snapshot, DocumentChecked("sipi_lama", "doc-1", True), CONTEXT)
    step = engine.handle(step.snapshot, DocumentChecked("logbook", "doc-2", True), CONTEXT)
    [summary] = [e for e in step.events if e.type == "send_list"]
    assert summary.body.splitlines()[:2] == [
        "Foto dan dokumen dari formulir Anda sudah kami periksa.",
        "Mohon periksa data permohonan Perpanjangan SIPI berikut:",
    ]
    # Three ways to receive the permit and "Ubah data": four answers, so a list.
    assert [row.title for row in summary.rows] == [
        "Ya, ambil di kantor",
        "Ya, kirim lewat WA",
        "Ya, antar ke rumah",
        "Ubah data",
    ]
    step = engine.handle(step.snapshot, ChoiceInput("yes:digital", "Ya, kirim lewat WA"), CONTEXT)
    [submitted] = [e for e in step.events if e.type == "submit_request"]
    assert submitted.documents == {
        "sipi_lama": ["doc-1"],
        "bkp": ["bkp-bintang"],
        "pas_kapal": ["pas-bintang"],
        "nib": ["stored-nib"],
        "ktp_pemilik": ["stored-ktp"],
        "logbook": ["doc-2"],
    }
    assert submitted.fields["nama_kapal"] == "KM Bintang Laut"
    assert submitted.delivery == "digital"


def test_the_renewal_begun_in_chat_takes_the_reminders_form(make_engine) -> None:
    engine = make_engine()
    step = engine.handle(None, TextInput("perpanjang sipi KM Bintang Laut"), CONTEXT)
    step = engine.handle(step.snapshot, _form(), CONTEXT)
    assert [e.type for e in step.events].count("store_media") == 2
    assert step.snapshot["draft"]["subject"] == "bintang laut"


def test_a_renewal_begun_before_the_boat_was_named_takes_the_form(make_engine) -> None:
    engine = make_engine()
    step = engine.handle(None, TextInput("perpanjang sipi"), CONTEXT)
    assert step.snapshot["awaiting"]["kind"] == "subject"
    step = engine.handle(step.snapshot, _form(), CONTEXT)
    assert step.snapshot["draft"]["subject"] == "bintang laut"
    assert [e.requirement for e in step.events if e.type == "store_media"] == [
        "sipi_lama",
        "logbook",
    ]


def test_another_unfinished_request_keeps_the_chat(make_engine) -> None:
    engine = make_engine()
    step = engine.handle(None, TextInput("mau urus kk, kk saya hilang"), CONTEXT)
    step = engine.handle(step.snapshot, _form(), CONTEXT)
    said = _said(step)
    assert said[0].splitlines()[0] == (
        "Permohonan Kartu Keluarga (KK) Anda belum selesai. Selesaikan atau ketik *batal* dulu, "
        "lalu kirim lagi formulir perpanjangan dari pengingat."
    )
    assert not [e for e in step.events if e.type in ("store_media", "reuse_document")]
    assert step.snapshot["draft"]["service"] == "kk"


def test_a_form_without_a_verified_renewal_is_stale(make_engine) -> None:
    engine = make_engine()
    unverified = FormSubmitted(payload=_form().payload, flow_token="renewal-token")
    step = engine.handle(None, unverified, CONTEXT)
    said = _said(step)
    assert said[0].splitlines()[0] == "Formulir ini sudah tidak berlaku. Silakan lanjutkan di chat."
    assert step.snapshot.get("draft") is None


def test_the_same_form_twice_is_one_request(make_engine) -> None:
    engine = make_engine()
    step = engine.handle(None, _form(), CONTEXT)
    step = engine.handle(step.snapshot, _form(), CONTEXT)
    said = _said(step)
    assert said[0].splitlines()[0] == "Formulir ini sudah kami terima sebelumnya."
