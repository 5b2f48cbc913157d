"""The names a form shares with the rest of Loket: payload keys, prefill data, screen ids."""

from __future__ import annotations

from app.flows.catalog import shipped_catalog
from app.flows.forms import picker_key, prefill_data, prefill_keys, split_payload
from app.flows.forms.keys import screen_id

PHOTO = {
    "file_name": "kk.jpg",
    "mime_type": "image/jpeg",
    "sha256": "abc=",
    "id": "3631120727156756",
}


def test_a_completion_maps_back_onto_the_catalog() -> None:
    ktp = shipped_catalog().get("ktp")
    answers = split_payload(
        ktp,
        {
            "flow_token": "tok-1",
            "variant": "hilang",
            "nik": "7307011708900001",
            "nama": "Siti Aminah",
            "status_kawin": "",  # hidden by its condition
            "doc_kk": [PHOTO],
            "doc_surat_kehilangan": [],  # optional picker left empty
            "consent": True,
            "extra": 1,
        },
    )
    assert answers.variant == "hilang"
    assert answers.fields == {"nik": "7307011708900001", "nama": "Siti Aminah"}
    assert answers.documents == {"kk": [PHOTO]}
    assert (answers.consent, answers.flow_token, answers.unknown) == (True, "tok-1", {"extra": 1})


def test_the_pages_of_a_document_are_joined_in_order() -> None:
    death = shipped_catalog().get("akta_kematian")
    second = {**PHOTO, "id": "2"}
    answers = split_payload(death, {"doc_ktp_saksi__2": [second], "doc_ktp_saksi": [PHOTO]})
    assert answers.documents == {"ktp_saksi": [PHOTO, second]}
    assert (answers.flow_token, answers.consent) == (None, False)
    assert picker_key("ktp_saksi", 2) == "doc_ktp_saksi__2"


def test_prefill_data_sends_every_key_with_what_loket_knows() -> None:
    sipi = shipped_catalog().get("sipi_perpanjangan")
    data = prefill_data(
        sipi, {"nik": "7307011708900001", "gt": 12, "nama_kapal": "KM Bintang Laut"}, held={"bkp"}
    )
    assert list(data) == prefill_keys(sipi)
    assert data == {
        "nik": "7307011708900001",
        "nama": "",
        "no_hp": "",
        "nama_kapal": "KM Bintang Laut",
        "gt": "12",
        "alat_tangkap": "",
        "no_sipi_lama": "",
        "sipi_berlaku_sampai": "",
        "ada_perubahan": "",
        "held_bkp": True,
        "held_pas_kapal": False,
        "held_nib": False,
        "held_ktp_pemilik": False,
    }
    assert prefill_data(shipped_catalog().get("kia"), variant="balita")["variant"] == "balita"


def test_screen_ids_are_letters_and_underscores() -> None:
    assert screen_id("doc_ktp_saksi") == "DOC_KTP_SAKSI"
    assert screen_id("doc_ktp_saksi", 1) == "DOC_KTP_SAKSI_B"
    assert screen_id("doc_form2b") == "DOC_FORM_TWO_B"
    assert screen_id("data", 26) == "DATA_BA"
