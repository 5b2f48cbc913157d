"""What a list may show of a request's answers: identity numbers masked, and what an NIK encodes."""

from __future__ import annotations

import pytest

from app.flows.catalog import shipped_catalog
from app.requests.masking import (
    MaskedKeys,
    mask_identity_number,
    masked_fields,
    masked_keys,
)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("3201014508900003", "3201********0003"),
        ("320101450890", "3201****0890"),
        ("12345", "*2345"),
        ("12", "12"),
    ],
)
def test_identity_numbers_keep_only_their_ends(value: str, masked: str) -> None:
    assert mask_identity_number(value) == masked


def test_masking_follows_the_catalog_validators() -> None:
    catalog = shipped_catalog()
    assert masked_keys(catalog, "ktp") == MaskedKeys(
        identity=frozenset({"nik", "no_kk"}),
        nik_linked=frozenset({"tanggal_lahir", "jenis_kelamin"}),
    )
    assert masked_keys(catalog, "gone") is None
    assert "nik_pelapor" in catalog.nik_field_keys()
    assert "no_kk" not in catalog.nik_field_keys()
    keys = MaskedKeys(identity=frozenset({"nik", "gt"}), nik_linked=frozenset())
    fields = {"nik": "3201014508900003", "nama": "Siti", "gt": 12, "catatan": "1234567890123456"}
    assert masked_fields(fields, keys) == {
        "nik": "3201********0003",
        "nama": "Siti",
        "gt": 12,
        "catatan": "1234567890123456",
    }
    # A service no longer in the catalog: every 16-digit answer is taken for an identity number.
    assert masked_fields(fields, None)["catatan"] == "1234********3456"


def test_the_birth_date_and_sex_beside_a_masked_nik_are_masked_too() -> None:
    """3201 01 450890 0003: the hidden digits are the district (01), the day plus 40 for a woman
    (45), the month (08) and the year (90). The birth date and sex would give six of them back."""
    catalog = shipped_catalog()
    fields = {
        "nik": "3201014508900003",
        "nama": "Siti Aminah",
        "tanggal_lahir": "1990-08-05",
        "jenis_kelamin": "perempuan",
        "alamat": "Jl. Melati 3",
    }
    assert masked_fields(fields, masked_keys(catalog, "ktp")) == {
        "nik": "3201********0003",
        "nama": "Siti Aminah",
        "tanggal_lahir": "****-**-**",
        "jenis_kelamin": "***",
        "alamat": "Jl. Melati 3",
    }
    # An unknown service: any date could be the birth date the NIK encodes.
    assert masked_fields(fields, None)["tanggal_lahir"] == "****-**-**"
    # An answer that was skipped stays empty rather than looking answered.
    assert masked_fields({"tanggal_lahir": ""}, masked_keys(catalog, "ktp")) == {
        "tanggal_lahir": ""
    }
