"""Flow forms generated from the catalog: every shipped service in both languages passes Meta's
static rules, and each catalog construct becomes the component this project chose for it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.flows.catalog import Service, shipped_catalog
from app.flows.forms import (
    FormError,
    FormLimits,
    build_flow,
    entry_screen,
    form_problems,
    payload_keys,
    prefill_keys,
    validate_flow,
)
from app.flows.forms.labels import fit_label

TODAY = date(2026, 11, 22)
CODES = list(shipped_catalog().services)


def screen(flow: dict[str, Any], screen_id: str) -> dict[str, Any]:
    return next(s for s in flow["screens"] if s["id"] == screen_id)


def component(flow: dict[str, Any], screen_id: str, name: str) -> dict[str, Any]:
    """The input or picker `name` on `screen_id`, looking into If branches."""
    for item in screen(flow, screen_id)["layout"]["children"]:
        for candidate in [item, *item.get("then", [])]:
            if candidate.get("name") == name:
                return candidate
    raise AssertionError(f"no {name} on {screen_id}")


def service(**overrides: Any) -> Service:
    """A small service to bend one way or another."""
    base: dict[str, Any] = {
        "code": "surat",
        "names": {"id": "Surat keterangan", "en": "Certificate"},
        "summary": {"id": "Surat keterangan domisili", "en": "Proof of residence"},
        "ticket_prefix": "SK",
        "office_level": "village",
        "service_days": 3,
        "fee": {"free": True, "note": {"id": "Gratis.", "en": "Free."}},
        "pickup": {"id": "Ambil di kantor desa.", "en": "Collect at the village office."},
        "legal_basis": ["Perbup 1/2026"],
        "fields": [
            {
                "key": "nik",
                "label": {"id": "NIK", "en": "NIK"},
                "prompt": {"id": "NIK?", "en": "NIK?"},
                "validator": "nik",
            }
        ],
        "documents": [{"key": "kk", "label": {"id": "KK", "en": "KK"}, "kinds": ["image", "pdf"]}],
    }
    base.update(overrides)
    return Service.model_validate(base)


def choice_field(count: int) -> dict[str, Any]:
    return {
        "key": "pilihan",
        "label": {"id": "Pilihan", "en": "Choice"},
        "prompt": {"id": "Pilih?", "en": "Choose?"},
        "validator": "choice",
        "choices": [
            {"id": f"p{n}", "title": {"id": f"Pilihan {n}", "en": f"Choice {n}"}}
            for n in range(count)
        ],
    }


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("code", CODES)
def test_every_shipped_service_becomes_a_valid_flow(code: str, language: str) -> None:
    flow = build_flow(shipped_catalog().get(code), language, today=TODAY)
    assert flow["version"] == "7.3"
    assert validate_flow(flow) == []


def test_the_shipped_catalog_has_no_form_problems() -> None:
    assert {code: form_problems(shipped_catalog().get(code)) for code in CODES} == {
        code: [] for code in CODES
    }


def test_nik_is_text_with_a_sixteen_digit_pattern() -> None:
    flow = build_flow(shipped_catalog().get("ktp"), "id", today=TODAY)
    assert component(flow, "DATA", "nik") == {
        "type": "TextInput",
        "name": "nik",
        "label": "NIK",
        "required": True,
        "input-type": "text",
        "pattern": "^[0-9]{16}$",
        "helper-text": "16 angka, tanpa spasi",
        "min-chars": 16,
        "max-chars": 16,
        "init-value": "${screen.VARIANT.data.nik}",
    }
    assert screen(flow, "DATA")["sensitive"] == ["nik", "no_kk"]


def test_phone_number_and_dates() -> None:
    flow = build_flow(shipped_catalog().get("sipi_perpanjangan"), "en", today=TODAY)
    assert component(flow, "DATA", "no_hp") == {
        "type": "TextInput",
        "name": "no_hp",
        "label": "Phone number",
        "required": True,
        "input-type": "phone",
        "helper-text": "Example: 081234567890",
        "max-chars": 20,
        "init-value": "${data.no_hp}",
    }
    gt = component(flow, "DATA", "gt")
    assert (gt["pattern"], gt["helper-text"]) == ("^[0-9]+([.,][0-9]+)?$", "A number from 1 to 30")
    valid_until = component(flow, "DATA_B", "sipi_berlaku_sampai")
    assert (valid_until["min-date"], valid_until["max-date"]) == ("1900-01-01", "2056-12-31")
    assert valid_until["type"] == "DatePicker"


def test_what_the_nik_gives_is_not_asked() -> None:
    ktp = shipped_catalog().get("ktp")
    flow = build_flow(ktp, "id", today=TODAY)
    names = [item.get("name") for item in screen(flow, "DATA")["layout"]["children"]]
    assert names == ["nik", "nama", "no_kk", None, None, "alamat", None]
    assert "tanggal_lahir" not in payload_keys(ktp)
    assert "jenis_kelamin" not in prefill_keys(ktp)


def test_choices_are_radio_buttons_up_to_seven_and_a_dropdown_from_eight() -> None:
    seven = build_flow(service(fields=[choice_field(7)]), "id", today=TODAY)
    eight = build_flow(service(fields=[choice_field(8)]), "id", today=TODAY)
    assert component(seven, "DATA", "pilihan")["type"] == "RadioButtonsGroup"
    assert component(eight, "DATA", "pilihan")["type"] == "Dropdown"
    assert validate_flow(eight) == []


def test_variants_come_first_as_radio_buttons() -> None:
    flow = build_flow(shipped_catalog().get("kia"), "en", today=TODAY)
    assert entry_screen(shipped_catalog().get("kia")) == "VARIANT" == flow["screens"][0]["id"]
    assert component(flow, "VARIANT", "variant") == {
        "type": "RadioButtonsGroup",
        "name": "variant",
        "label": "Type of request",
        "required": True,
        "data-source": [
            {"id": "balita", "title": "Under 5 years"},
            {"id": "usia_5_17", "title": "5 to 17 years"},
        ],
        "init-value": "${data.variant}",
    }


def test_photos_only_get_a_photo_picker_and_pdfs_a_document_picker() -> None:
    flow = build_flow(
        shipped_catalog().get("ktp"),
        "id",
        today=TODAY,
        limits=FormLimits(photo_max_kb=4096, document_max_kb=20480),
    )
    assert component(flow, "DOC_KTP_RUSAK", "doc_ktp_rusak") == {
        "type": "PhotoPicker",
        "name": "doc_ktp_rusak",
        "label": "KTP-el yang rusak",
        "description": "Silakan kirim foto KTP-el yang rusak (bagian depan). 📄 "
        "Kirim foto yang jelas dan terang; semua tulisan harus terbaca.",
        "photo-source": "camera_gallery",
        "min-uploaded-photos": 0,
        "max-uploaded-photos": 1,
        "max-file-size-kb": 4096,
        "visible": "`${screen.VARIANT.form.variant} == 'rusak'`",
    }
    kk = component(flow, "DOC_KK", "doc_kk")
    assert kk["type"] == "DocumentPicker"
    assert kk["allowed-mime-types"] == ["application/pdf", "image/jpeg", "image/png"]
    assert (kk["min-uploaded-documents"], kk["max-uploaded-documents"]) == (0, 1)
    assert kk["max-file-size-kb"] == 20480


def test_a_required_unconditional_document_must_be_picked() -> None:
    flow = build_flow(shipped_catalog().get("akta_kematian"), "id", today=TODAY)
    letter = component(flow, "DOC_SURAT_KEMATIAN", "doc_surat_kematian")
    assert letter["min-uploaded-documents"] == 1
    assert letter["description"] == (
        "Dari dokter, rumah sakit, atau kepala desa/lurah. "
        "Kirim foto atau PDF yang jelas; semua tulisan harus terbaca."
    )
    # Two witnesses: two single-file pickers on two screens.
    first = component(flow, "DOC_KTP_SAKSI", "doc_ktp_saksi")
    second = component(flow, "DOC_KTP_SAKSI_B", "doc_ktp_saksi__2")
    assert (first["label"], second["label"]) == ("KTP-el 2 saksi (1/2)", "KTP-el 2 saksi (2/2)")


def test_the_completion_payload_holds_every_answer_and_file() -> None:
    ktp = shipped_catalog().get("ktp")
    flow = build_flow(ktp, "id", today=TODAY)
    footer = screen(flow, "SUMMARY")["layout"]["children"][-1]
    payload = footer["on-click-action"]["payload"]
    assert footer["on-click-action"]["name"] == "complete"
    assert list(payload) == list(payload_keys(ktp))
    assert payload == {
        "variant": "${screen.VARIANT.form.variant}",
        "nik": "${screen.DATA.form.nik}",
        "nama": "${screen.DATA.form.nama}",
        "no_kk": "${screen.DATA.form.no_kk}",
        "status_kawin": "${screen.DATA.form.status_kawin}",
        "data_berubah": "${screen.DATA.form.data_berubah}",
        "alamat": "${screen.DATA.form.alamat}",
        "doc_kk": "${screen.DOC_KK.form.doc_kk}",
        "doc_surat_kehilangan": "${screen.DOC_SURAT_KEHILANGAN.form.doc_surat_kehilangan}",
        "doc_ktp_rusak": "${screen.DOC_KTP_RUSAK.form.doc_ktp_rusak}",
        "doc_ktp_lama": "${screen.DOC_KTP_LAMA.form.doc_ktp_lama}",
        "doc_bukti_perubahan": "${screen.DOC_BUKTI_PERUBAHAN.form.doc_bukti_perubahan}",
        "doc_skpwni": "${screen.DOC_SKPWNI.form.doc_skpwni}",
        "doc_ktp_asal": "${screen.DOC_KTP_ASAL.form.doc_ktp_asal}",
        "consent": "${form.consent}",
    }
    consent = screen(flow, "SUMMARY")["layout"]["children"][-2]
    assert consent == {
        "type": "OptIn",
        "name": "consent",
        "label": "Saya menyatakan data dan dokumen ini benar dan boleh dipakai untuk "
        "permohonan ini.",
        "required": True,
    }


def test_the_entry_screen_declares_the_prefill_data() -> None:
    sipi = shipped_catalog().get("sipi_perpanjangan")
    flow = build_flow(sipi, "id", today=TODAY)
    data = flow["screens"][0]["data"]
    assert list(data) == prefill_keys(sipi)
    assert data["nik"] == {"type": "string", "__example__": "7307011708900001"}
    assert data["gt"] == {"type": "string", "__example__": "1"}
    assert data["held_bkp"] == {"type": "boolean", "__example__": False}
    assert [s.get("data") for s in flow["screens"][1:]] == [None] * (len(flow["screens"]) - 1)


def test_summary_lines_keep_apostrophes_out_of_the_expression() -> None:
    flow = build_flow(shipped_catalog().get("sipi_perpanjangan"), "en", today=TODAY)
    lines = screen(flow, "SUMMARY")["layout"]["children"]
    assert lines[1] == {
        "type": "TextBody",
        "text": "`'Owner\u2019s NIK: ' ${screen.DATA.form.nik}`",
    }


def test_a_long_label_is_abbreviated() -> None:
    field = {
        "key": "no_kk_lama",
        "label": {"id": "Nomor Kartu Keluarga ibu", "en": "Mother's family card no."},
        "prompt": {"id": "Nomor KK lama?", "en": "Old KK number?"},
        "validator": "kk",
    }
    flow = build_flow(service(fields=[field]), "id", today=TODAY)
    assert component(flow, "DATA", "no_kk_lama")["label"] == "Nomor KK ibu"
    english = build_flow(service(fields=[field]), "en", today=TODAY)
    assert component(english, "DATA", "no_kk_lama")["label"] == "Mother's KK no."
    assert fit_label("Previous family card number", 20, "en") == "Previous KK number"
    assert fit_label("Ukuran kapal (dalam GT)", 20, "id") == "Ukuran kapal"


def test_a_label_that_cannot_fit_is_a_problem_on_its_catalog_line() -> None:
    field = {
        "key": "alamat",
        "label": {"id": "Alamat tinggal sekarang", "en": "Address"},
        "prompt": {"id": "Alamat?", "en": "Address?"},
        "validator": "text",
        "max_length": 300,
    }
    with pytest.raises(FormError) as caught:
        build_flow(service(fields=[field]), "id", today=TODAY)
    (problem,) = caught.value.problems
    assert problem.path == ("fields", 0, "label", "id")
    assert problem.reason == (
        "label 'Alamat tinggal sekarang' has 23 characters; a TextArea label may have at most "
        "20, even abbreviated (id); give the field a shorter form_label"
    )
    shorter = {**field, "form_label": {"id": "Alamat", "en": "Address"}}
    assert (
        component(build_flow(service(fields=[shorter]), "id", today=TODAY), "DATA", "alamat")[
            "label"
        ]
        == "Alamat"
    )


def test_too_many_documents_cannot_become_a_flow() -> None:
    documents = [
        {"key": f"berkas_{n}", "label": {"id": f"Berkas {n}", "en": f"File {n}"}, "kinds": ["pdf"]}
        for n in ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")
    ]
    too_many = service(documents=documents)
    assert [(p.path, p.reason) for p in form_problems(too_many, today=TODAY)] == [
        (("documents",), "the documents need 11 file pickers; a Flow may send at most 10")
    ]
    assert form_problems(service(documents=documents, flow=False), today=TODAY) == []


def test_a_field_key_the_payload_uses_is_refused() -> None:
    field = {
        "key": "variant",
        "label": {"id": "Jenis", "en": "Kind"},
        "prompt": {"id": "Jenis?", "en": "Kind?"},
        "validator": "text",
    }
    problems = form_problems(service(fields=[field]), today=TODAY)
    assert [(p.path, p.reason) for p in problems] == [
        (("fields", 0, "key"), "field key 'variant' is reserved by the form's payload")
    ]


@pytest.mark.parametrize(
    ("shape", "screens"),
    [
        ({"fields": []}, ["DOC_KK", "SUMMARY"]),
        ({"documents": []}, ["DATA", "SUMMARY"]),
        ({"fields": [], "documents": []}, ["SUMMARY"]),
        (
            {"variants": [{"code": "a", "title": {"id": "A", "en": "A"}}], "fields": []},
            ["VARIANT", "DOC_KK", "SUMMARY"],
        ),
    ],
)
def test_sparse_services_still_make_valid_flows(shape: dict[str, Any], screens: list[str]) -> None:
    sparse = service(**shape)
    flow = build_flow(sparse, "en", today=TODAY)
    assert [s["id"] for s in flow["screens"]] == screens
    assert entry_screen(sparse) == screens[0]
    assert validate_flow(flow) == []
