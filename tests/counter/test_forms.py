"""The counter form: the catalog as inputs, and answers checked exactly as the chat checks them."""

from __future__ import annotations

from datetime import date

import pytest

from app.counter.forms import FieldError, build_form, check_answers, parse_pick
from app.flows.catalog import Catalog, shipped_catalog
from app.flows.validators import validate
from tests.support.counter import NIK, STORED_KTP_BARU, ktp_baru_answers

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return shipped_catalog()


def test_a_pick_names_a_service_and_one_of_its_variants(catalog: Catalog) -> None:
    ktp, akta = catalog.services["ktp"], catalog.services["akta_kelahiran"]
    assert parse_pick(catalog, "ktp:hilang") == (ktp, "hilang")
    assert parse_pick(catalog, " akta_kelahiran ") == (akta, None)
    for wrong in ("ktp", "ktp:", "ktp:tidak_ada", "akta_kelahiran:baru", "paspor", "", ":baru"):
        assert parse_pick(catalog, wrong) is None, wrong


def test_the_form_shows_the_variant_s_questions_and_documents(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    assert [(f.key, f.kind, f.input_name) for f in form.fields] == [
        ("nik", "text", "field_nik"),
        ("nama", "text", "field_nama"),
        ("tanggal_lahir", "date", "field_tanggal_lahir"),
        ("jenis_kelamin", "select", "field_jenis_kelamin"),
        ("no_kk", "text", "field_no_kk"),
        ("status_kawin", "select", "field_status_kawin"),
        ("alamat", "text", "field_alamat"),
    ]
    [kk] = form.documents
    assert (kk.key, kk.input_name, kk.multiple, kk.optional, kk.kinds) == (
        "kk",
        "doc_kk",
        True,
        False,
        "image_pdf",
    )
    assert kk.accept == "image/jpeg,image/png,.jpg,.jpeg,.png,application/pdf,.pdf"
    rusak = build_form(catalog.services["ktp"], "rusak")
    assert "status_kawin" not in [f.key for f in rusak.fields]
    assert [(d.key, d.accept) for d in rusak.documents] == [
        ("kk", kk.accept),
        ("ktp_rusak", "image/jpeg,image/png,.jpg,.jpeg,.png"),
    ]


def test_conditions_on_other_answers_are_kept_for_the_hint(catalog: Catalog) -> None:
    form = build_form(catalog.services["akta_kelahiran"], None)
    conditions = {d.key: d.condition for d in form.documents}
    assert conditions["surat_lahir"] == {"ada_surat_lahir": ["ya"]}
    assert conditions["kk"] == {}
    hints = {d.key: [(q.id, [c.id for c in cs]) for q, cs in d.hints] for d in form.documents}
    assert hints["sptjm_kelahiran"] == [("Surat keterangan lahir", ["Tidak ada"])]
    assert hints["kk"] == []
    optional = build_form(catalog.services["pindah"], "keluar").documents
    assert [(d.key, d.optional) for d in optional] == [
        ("kk", False),
        ("surat_tidak_keberatan", True),
    ]


def test_valid_answers_are_stored_as_the_chat_stores_them(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    checked = check_answers(form, ktp_baru_answers(), today=TODAY)
    assert checked.errors == {}
    assert checked.values == STORED_KTP_BARU
    assert checked.warnings == {}
    assert [d.key for d in checked.documents] == ["kk"]


def test_each_kind_of_field_refuses_with_the_validator_s_code(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    raw = ktp_baru_answers(
        nik="32010145089",
        nama="Siti 2",
        tanggal_lahir="32-13-1990",
        jenis_kelamin="tidak tahu",
        status_kawin="",
        alamat="x" * 201,
    )
    checked = check_answers(form, raw, today=TODAY)
    assert checked.errors == {
        "nik": FieldError("nik_length", {"count": 11}),
        "nama": FieldError("name_digits"),
        "tanggal_lahir": FieldError("date_impossible"),  # day 32, month 13
        "jenis_kelamin": FieldError("not_an_answer", {"kind": "dont_know"}),
        "status_kawin": FieldError("empty"),
        "alamat": FieldError("text_long", {"max": 200}),
    }
    assert checked.values == {"no_kk": "3201012208150007"}


def test_a_kk_number_equal_to_the_nik_is_caught_first(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    checked = check_answers(form, ktp_baru_answers(no_kk=NIK), today=TODAY)
    assert checked.errors == {"no_kk": FieldError("kk_same_as_nik")}


@pytest.mark.parametrize(
    ("service", "variant", "key", "text", "error"),
    [
        ("ktp", "baru", "nik", "9901014508900003", FieldError("nik_province", {"province": "99"})),
        ("ktp", "baru", "nik", "3201014508900000", FieldError("nik_serial")),
        ("ktp", "baru", "nik", "32010145089O0003", FieldError("nik_digits")),
        ("ktp", "baru", "tanggal_lahir", "05-08-2027", FieldError("date_future")),
        ("ktp", "baru", "nama", "S", FieldError("name_short")),
        ("ktp", "baru", "no_kk", "3201019999150007", FieldError("kk_date")),
        ("pindah", "keluar", "jumlah_pindah", "banyak", FieldError("number_format")),
        ("sipi_perpanjangan", None, "no_hp", "12345", FieldError("phone_short")),
        (
            "sipi_perpanjangan",
            None,
            "sipi_berlaku_sampai",
            "31-02-2027",
            FieldError("date_impossible"),
        ),
    ],
)
def test_the_codes_are_the_bot_s_own(
    catalog: Catalog, service: str, variant: str | None, key: str, text: str, error: FieldError
) -> None:
    spec = catalog.services[service].field(key)
    assert spec is not None
    form = build_form(catalog.services[service], variant)
    checked = check_answers(form, {key: text}, today=TODAY)
    assert checked.errors[key] == error
    bot = validate(spec, text, today=TODAY, answers={}, service=catalog.services[service])
    assert (bot.error, bot.params) == (error.code, error.params)


def test_choices_come_from_the_select_or_are_typed_as_in_chat(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    typed = check_answers(form, ktp_baru_answers(jenis_kelamin="wanita"), today=TODAY)
    assert typed.values["jenis_kelamin"] == "perempuan"


def test_an_optional_question_left_empty_is_skipped(catalog: Catalog) -> None:
    form = build_form(catalog.services["akta_kematian"], None)
    checked = check_answers(form, {"no_hp_lain": " "}, today=TODAY)
    assert "no_hp_lain" not in checked.errors and "no_hp_lain" not in checked.values
    filled = check_answers(form, {"no_hp_lain": "0812 3456 7890"}, today=TODAY)
    assert filled.values["no_hp_lain"] == "+6281234567890"


def test_a_nik_that_disagrees_with_the_birth_date_or_sex_is_a_warning(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    raw = ktp_baru_answers(tanggal_lahir="06-08-1990", jenis_kelamin="laki_laki")
    checked = check_answers(form, raw, today=TODAY)
    assert checked.errors == {}
    assert checked.warnings == {"nik": ["nik_birth_date_mismatch", "nik_sex_mismatch"]}


def test_documents_follow_the_answers_they_depend_on(catalog: Catalog) -> None:
    form = build_form(catalog.services["akta_kelahiran"], None)
    raw = {"ada_surat_lahir": "tidak", "nikah_tercatat": "ya"}
    checked = check_answers(form, raw, today=TODAY)
    assert [d.key for d in checked.documents] == [
        "sptjm_kelahiran",
        "buku_nikah",
        "kk",
        "ktp_orang_tua",
    ]
    kk_form = build_form(catalog.services["kk"], "tambah")
    numpang = check_answers(kk_form, {"alasan_tambah": "numpang"}, today=TODAY)
    assert [d.key for d in numpang.documents] == ["kk_lama", "surat_pindah", "surat_bersedia"]


def test_a_nul_character_is_refused_before_any_validator(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "baru")
    checked = check_answers(form, ktp_baru_answers(alamat="Jl. Melati\x00"), today=TODAY)
    assert checked.errors == {"alamat": FieldError("invalid")}


def test_a_question_the_variant_excludes_is_ignored(catalog: Catalog) -> None:
    form = build_form(catalog.services["ktp"], "hilang")
    checked = check_answers(form, ktp_baru_answers(status_kawin="tidak ada"), today=TODAY)
    assert checked.errors == {}
    assert "status_kawin" not in checked.values
