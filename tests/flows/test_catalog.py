"""The catalog: the shipped services load, and `check_catalog` reports file, line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.flows.catalog import (
    SHIPPED_DIR,
    CatalogError,
    CatalogInvalid,
    check_catalog,
    load_catalog,
)
from app.flows.catalog.rules import service_problems
from tests.support.engine_data import DATA_DIR

BROKEN = DATA_DIR / "broken"
SHIPPED_CODES = [
    "ktp",
    "kk",
    "akta_kelahiran",
    "akta_kematian",
    "kia",
    "pindah",
    "sipi_perpanjangan",
]


def test_shipped_catalog_has_the_contract_services_in_menu_order():
    catalog = load_catalog()
    assert list(catalog.services) == SHIPPED_CODES
    assert check_catalog(SHIPPED_DIR) == []


def test_civil_registry_services_say_they_are_free():
    catalog = load_catalog()
    for code in SHIPPED_CODES[:-1]:
        service = catalog.get(code)
        assert service.fee.free is True
        assert "79A" in service.fee.note.id


def test_get_unknown_service_raises_key_error():
    with pytest.raises(KeyError, match="no service 'paspor'"):
        load_catalog().get("paspor")


def test_adding_a_service_is_adding_a_file(tmp_path: Path):
    for name in ("ktp.yaml", "kk.yaml"):
        (tmp_path / name).write_text((SHIPPED_DIR / name).read_text("utf-8"), "utf-8")
    (tmp_path / "surat.yaml").write_text((BROKEN / "valid" / "surat.yaml").read_text("utf-8"))
    catalog = load_catalog(tmp_path)
    assert list(catalog.services) == ["ktp", "kk", "surat"]  # order 10, 20, then default 100


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (
            "syntax",
            CatalogError(
                "surat.yaml",
                3,
                "YAML syntax error: expected ',' or '}', but got ':' "
                "(while parsing a flow mapping on line 2)",
            ),
        ),
        ("unknown_key", CatalogError("surat.yaml", 7, "unknown key 'colour'")),
        ("missing_key", CatalogError("surat.yaml", 1, "missing key 'office_level'")),
        (
            "unknown_validator",
            CatalogError(
                "surat.yaml",
                19,
                "unknown validator 'ktp_number'; use one of: "
                "nik, kk, date, phone, name, text, choice, number",
            ),
        ),
        (
            "duplicate_code",
            CatalogError(
                "b_surat.yaml", 1, "duplicate service code 'surat' (also in a_surat.yaml)"
            ),
        ),
        ("duplicate_key", CatalogError("surat.yaml", 7, "duplicate key 'service_days'")),
        (
            "unknown_condition",
            CatalogError("surat.yaml", 21, "condition refers to unknown or later field 'umur'"),
        ),
        (
            "unknown_variant",
            CatalogError("surat.yaml", 21, "condition refers to unknown variant 'lama'"),
        ),
        (
            "long_title",
            CatalogError(
                "surat.yaml", 14, "variant title is 28 characters; Meta allows at most 20"
            ),
        ),
        (
            "next_backwards",
            CatalogError("surat.yaml", 24, "next must point to a later item, not 'nama'"),
        ),
    ],
)
def test_check_reports_file_line_and_reason(case: str, expected: CatalogError):
    assert check_catalog(BROKEN / case) == [expected]
    with pytest.raises(CatalogInvalid) as raised:
        load_catalog(BROKEN / case)
    assert raised.value.errors == [expected]
    assert str(raised.value) == str(expected)


@pytest.mark.parametrize(
    ("delivery", "line", "reason"),
    [
        ("  ways: [pickup, digital, pickup]\n", 20, "`delivery.ways` lists a way twice"),
        (
            "  ways: [pickup, digital]\n  home_fee: {id: Ongkos kurir, en: Courier fee}\n",
            20,
            "`delivery.home_fee` needs `home` in `delivery.ways`",
        ),
        (
            "  ways: [pickup, drone]\n",
            21,
            "delivery.ways.1: Input should be 'pickup', 'digital' or 'home'",
        ),
    ],
)
def test_delivery_ways_are_checked(tmp_path: Path, delivery: str, line: int, reason: str):
    valid = (BROKEN / "valid" / "surat.yaml").read_text("utf-8")
    (tmp_path / "surat.yaml").write_text(f"{valid}delivery:\n{delivery}", "utf-8")
    assert check_catalog(tmp_path) == [CatalogError("surat.yaml", line, reason)]


def test_valid_sample_has_no_errors():
    assert check_catalog(BROKEN / "valid") == []


def test_folder_without_service_files_and_missing_folder():
    assert check_catalog(BROKEN / "empty") == [
        CatalogError(str(BROKEN / "empty"), 0, "no service files (*.yaml) in this folder")
    ]
    missing = BROKEN / "nope"
    assert check_catalog(missing) == [CatalogError(str(missing), 0, "no such directory")]


def test_cross_reference_rules_on_a_definition():
    data = yaml.safe_load((BROKEN / "valid" / "surat.yaml").read_text("utf-8"))
    data["fields"].append(
        {
            "key": "jk",
            "label": {"id": "Jenis kelamin", "en": "Sex"},
            "prompt": {"id": "Jenis kelamin?", "en": "Sex?"},
            "validator": "choice",
            "nik_field": "nama",
            "choices": [
                {"id": "l", "title": {"id": "Laki-laki", "en": "Male"}},
                {"id": "l", "title": {"id": "Perempuan sekali sangat", "en": "Female"}},
            ],
        }
    )
    data["documents"] = [
        {"key": "nama", "label": {"id": "KK", "en": "KK"}, "kinds": ["image"], "min": 3, "max": 2}
    ]
    from app.flows.catalog import Service

    problems = service_problems(Service.model_validate(data))
    assert problems == [
        (("fields", 1, "choices", 1, "id"), "duplicate choice id 'l'"),
        (
            ("fields", 1, "choices", 1, "title", "id"),
            "choice title is 23 characters; Meta allows at most 20",
        ),
        (("fields", 1, "nik_field"), "nik_field 'nama' is not a NIK field"),
        (("documents", 0, "key"), "duplicate key 'nama'"),
        (("documents", 0, "max"), "max (2) is smaller than min (3)"),
    ]
