"""'Ubah' at "Pakai data ini?" with a form offered: the form comes again, opened with the
remembered values to change, not empty (issue 13, item 7)."""

from __future__ import annotations

from app.flows.inputs import ChoiceInput, TextInput
from tests.support.engine_data import GOLDEN_DIR
from tests.support.golden import build_context, load

FISHER = load(GOLDEN_DIR / "memory_sipi_one_message.yaml")["context"]


def test_ubah_after_choosing_a_boat_offers_the_form_with_the_boat_filled_in(make_engine) -> None:
    engine = make_engine()
    context = build_context({**FISHER, "forms": ["sipi_perpanjangan"]})
    first = engine.handle(None, TextInput("perpanjang sipi"), context)
    [opened] = [e for e in first.events if e.type == "offer_form"]
    assert (opened.data["nama_kapal"], opened.data["gt"]) == ("", "")  # no boat chosen yet
    chosen = engine.handle(first.snapshot, TextInput("KM Bintang Laut"), context)
    assert [e.type for e in chosen.events] == ["send_buttons", "wait_until"]
    step = engine.handle(chosen.snapshot, ChoiceInput(id="edit", title="Ubah"), context)
    [again] = [e for e in step.events if e.type == "offer_form"]
    assert again.token != opened.token
    assert again.body == (
        "Silakan ubah data Anda di formulir ini; isinya sudah kami siapkan. Atau jawab saja "
        "pertanyaan kami di chat."
    )
    assert again.screen == "DATA"
    assert again.data == {
        "nik": "7307011203850002",
        "nama": "Andi Baso",
        "no_hp": "081234567890",
        "nama_kapal": "KM Bintang Laut",
        "gt": "12",
        "alat_tangkap": "pancing_ulur",
        "no_sipi_lama": "",
        "sipi_berlaku_sampai": "2026-12-31",
        "ada_perubahan": "tidak",
        "held_bkp": False,
        "held_pas_kapal": False,
        "held_nib": True,
        "held_ktp_pemilik": True,
    }
    texts = [e.text for e in step.events if e.type == "send_text"]
    assert texts == ["Silakan ketik NIK pemilik kapal (16 angka)."]  # the chat goes on too


def test_ubah_without_a_form_offers_none(make_engine) -> None:
    engine = make_engine()
    context = build_context(FISHER)
    first = engine.handle(None, TextInput("perpanjang sipi"), context)
    chosen = engine.handle(first.snapshot, TextInput("KM Bintang Laut"), context)
    step = engine.handle(chosen.snapshot, ChoiceInput(id="edit", title="Ubah"), context)
    assert [e.type for e in step.events] == ["send_text", "wait_until"]
