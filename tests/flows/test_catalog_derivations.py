"""Catalog rules for what a service derives: `derive` from a NIK and `variant_by_age`."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from app.flows.catalog import SHIPPED_DIR, Service, check_catalog, load_catalog
from app.flows.catalog.rules import service_problems

KTP = SHIPPED_DIR / "ktp.yaml"
KIA = SHIPPED_DIR / "kia.yaml"


def _data(path: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text("utf-8"))
    data.pop("spec_version", None)
    return data


def test_the_shipped_catalog_is_valid_and_derives_what_the_nik_gives() -> None:
    assert check_catalog(SHIPPED_DIR) == []
    catalog = load_catalog(SHIPPED_DIR)
    ktp, kia = catalog.get("ktp"), catalog.get("kia")
    assert [(f.key, f.derive) for f in ktp.fields if f.derive] == [
        ("tanggal_lahir", "nik_birth_date"),
        ("jenis_kelamin", "nik_sex"),
    ]
    assert kia.variant_by_age == "tanggal_lahir_anak"
    assert [(v.code, v.ages) for v in kia.variants] == [("balita", (0, 4)), ("usia_5_17", (5, 16))]


def test_an_unknown_derivation_is_refused_by_the_schema() -> None:
    data = _data(KTP)
    data["fields"][2]["derive"] = "nik_region"
    with pytest.raises(ValidationError, match="nik_birth_date"):
        Service.model_validate(data)


def test_a_derived_field_needs_its_nik_before_it_and_the_right_validator() -> None:
    data = _data(KTP)
    birth, sex = data["fields"][2], data["fields"][3]
    del birth["nik_field"]
    sex["derive"] = "nik_birth_date"
    data["fields"][1]["derive"] = "nik_sex"  # the name
    data["fields"][1]["nik_field"] = "nik"
    problems = service_problems(Service.model_validate(data))
    assert problems == [
        (
            ("fields", 1, "derive"),
            "nik_sex needs validator choice with the choices laki_laki and perempuan",
        ),
        (("fields", 2, "derive"), "derive needs nik_field: the NIK the answer comes from"),
        (("fields", 3, "derive"), "nik_birth_date needs validator date"),
    ]


def test_variant_by_age_needs_a_date_field_and_ages_that_do_not_overlap() -> None:
    data = _data(KIA)
    data["variants"][1]["ages"] = [4, 16]
    assert service_problems(Service.model_validate(data)) == [
        (("variants",), "the ages of two variants overlap")
    ]
    data["variant_by_age"] = "nama_anak"
    assert service_problems(Service.model_validate(data)) == [
        (("variant_by_age",), "variant_by_age 'nama_anak' is not a date field")
    ]
    del data["variant_by_age"]
    assert service_problems(Service.model_validate(data)) == [
        (("variants", 0, "ages"), "ages need variant_by_age on the service"),
        (("variants", 1, "ages"), "ages need variant_by_age on the service"),
    ]


def test_nothing_asked_before_the_age_may_depend_on_the_variant() -> None:
    data = _data(KIA)
    data["fields"][0]["when"] = {"variant": ["balita"]}
    assert service_problems(Service.model_validate(data)) == [
        (("fields", 0, "when", "variant"), "asked before variant_by_age is known")
    ]
