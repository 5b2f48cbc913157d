"""One answer checked against its field's validator."""

from __future__ import annotations

from datetime import date

import pytest

from app.flows.catalog import FieldSpec, shipped_catalog
from app.flows.validators import Verdict, nik_warnings, validate

TODAY = date(2026, 11, 22)
KTP = shipped_catalog().get("ktp")


def field_of(service: str, key: str) -> FieldSpec:
    found = shipped_catalog().get(service).field(key)
    assert found is not None
    return found


def spec(validator: str, **extra) -> FieldSpec:
    data = {
        "key": "x",
        "label": {"id": "X", "en": "X"},
        "prompt": {"id": "X?", "en": "X?"},
        "validator": validator,
        **extra,
    }
    return FieldSpec.model_validate(data)


def check(field: FieldSpec, text: str, answers=None) -> Verdict:
    return validate(field, text, today=TODAY, answers=answers or {}, service=KTP)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("081234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("+62 (0) 812 3456 7890", "+6281234567890"),
        ("(0812) 3456.7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        (" 0812 - 3456 - 789 ", "+628123456789"),
        ("08123456789", "+628123456789"),
        ("0812345678", "+62812345678"),
        ("8123456789", "+628123456789"),
        ("021 1234 5678", "+622112345678"),
        ("(0411) 872 123", "+62411872123"),
        ("+1 650-555-1234", "+16505551234"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_numbers_keep_every_digit_typed(text, value):
    assert check(spec("phone"), text) == Verdict(value=value)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        # A letter among the digits is refused, never dropped (it was stored as +628123456789).
        ("0812-3456-789o", "phone_chars"),
        ("0812-3456-789O", "phone_chars"),
        ("08l2 3456 7890", "phone_chars"),
        ("0812 3456 7890 ext 2", "phone_chars"),
        ("0812/3456/7890", "phone_chars"),
        ("0812+3456789", "phone_chars"),
        ("nomor saya", "phone_chars"),
        ("wa: 081234567890", "phone_chars"),
        ("+", "phone_chars"),
        ("0812345", "phone_short"),
        ("+62 812 3456", "phone_short"),
        ("0812 3456 7890 123", "phone_long"),
        ("6285212345678901", "phone_long"),
        ("0000000000", "phone"),
        ("0062 812 3456 7890", "phone"),
        ("+1 650 555 12345", "phone"),
    ],
)
def test_bad_phone_numbers_are_refused_with_the_reason(text, error):
    assert check(spec("phone"), text) == Verdict(error=error)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("  Siti   Aminah ", Verdict(value="Siti Aminah")),
        ("Muh. Ilham, S.Pd.", Verdict(value="Muh. Ilham, S.Pd.")),
        ("Siti@Aminah", Verdict(error="name_chars")),
        ("Andi 'Baso' Tang", Verdict(value="Andi 'Baso' Tang")),
        ("Siti2", Verdict(error="name_digits")),
        ("A", Verdict(error="name_short")),
    ],
)
def test_names(text, verdict):
    assert check(spec("name"), text) == verdict


def test_numbers_with_units_and_ranges():
    gt = spec("number", min_value=1, max_value=30)
    assert check(gt, "12 GT") == Verdict(value=12)
    assert check(gt, "7,5") == Verdict(value=7.5)
    assert check(gt, "45") == Verdict(error="number_range", params={"min": "1", "max": "30"})
    assert check(gt, "dua belas") == Verdict(value=12)  # numbers in words (issue 12)
    assert check(gt, "banyak") == Verdict(error="number_format")


def test_dates_past_and_future():
    assert check(spec("date"), "17 agt 1990") == Verdict(value="1990-08-17")
    assert check(spec("date"), "01-01-2027").error == "date_future"
    assert check(spec("date", dates="future"), "01-01-2020").error == "date_past"
    assert check(spec("date", dates="any"), "01-01-2027") == Verdict(value="2027-01-01")
    assert check(spec("date"), "besok").error == "date_future"  # tomorrow, read (issue 12)
    assert check(spec("date"), "entah").error == "date_format"


def test_text_length_and_empty_answer():
    assert check(spec("text", max_length=5), "panjang sekali").error == "text_long"
    assert check(spec("text"), "   ").error == "empty"


def test_yes_no_choices_accept_chat_words():
    yes_no = field_of("ktp", "jenis_kelamin")
    assert check(yes_no, "P") == Verdict(value="perempuan")
    assert check(yes_no, "cowok") == Verdict(value="laki_laki")
    assert check(yes_no, "perempuann") == Verdict(value="perempuan")
    akl = field_of("akta_kelahiran", "ada_surat_lahir")
    assert validate(akl, "iya", today=TODAY, answers={}, service=KTP) == Verdict(value="ya")
    assert validate(akl, "gak", today=TODAY, answers={}, service=KTP) == Verdict(value="tidak")


def test_nik_warnings_compare_birth_date_and_sex():
    answers = {
        "nik": "1303015708900001",
        "tanggal_lahir": "1990-08-17",
        "jenis_kelamin": "perempuan",
    }
    assert nik_warnings(KTP, answers, today=TODAY) == {}
    answers |= {"tanggal_lahir": "1990-08-18", "jenis_kelamin": "laki_laki"}
    assert nik_warnings(KTP, answers, today=TODAY) == {
        "nik": ["nik_birth_date_mismatch", "nik_sex_mismatch"]
    }
