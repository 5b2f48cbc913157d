"""Masking personal data where a list shows a request (the API's lists, the queue, the exports).

An operator needs the full NIK to check a file, so the single request shows it; lists, which are
screenshotted, exported and left open on shared screens, show only its region and serial ends.
The eight digits in between encode the district, the birth date and the sex (the day plus 40
for a woman), so a list must not print those answers beside the masked number either: the
fields the catalog compares with an NIK (`nik_field`) are masked whole.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.flows.catalog import Catalog
from app.flows.identity import mask_number

# Validators whose answers identify a person or a family: NIK and KK numbers.
IDENTITY_VALIDATORS = frozenset({"nik", "kk"})
MASKED_DATE = "****-**-**"
MASKED_VALUE = "***"
_SIXTEEN_DIGITS = re.compile(r"^\d{16}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class MaskedKeys:
    """A service's answers a list masks: identity numbers (ends kept) and what an NIK encodes."""

    identity: frozenset[str]
    nik_linked: frozenset[str]


def mask_identity_number(value: str) -> str:
    """`3201014508900003` → `3201********0003`; anything shorter keeps only its last 4 digits."""
    return mask_number(value, "*")


def mask_whole(value: Any) -> str:
    """An answer hidden entirely: a date keeps only its shape, anything else becomes `***`."""
    return MASKED_DATE if isinstance(value, str) and _ISO_DATE.match(value) else MASKED_VALUE


def masked_keys(catalog: Catalog, service_code: str) -> MaskedKeys | None:
    """The keys a list masks for this service; None when the service is unknown."""
    service = catalog.services.get(service_code)
    if service is None:
        return None
    identity = frozenset(f.key for f in service.fields if f.validator in IDENTITY_VALIDATORS)
    # A KK number names its NIK too (it may not equal it); it stays an identity number.
    linked = frozenset(f.key for f in service.fields if f.nik_field is not None) - identity
    return MaskedKeys(identity=identity, nik_linked=linked)


def masked_fields(fields: Mapping[str, Any], keys: MaskedKeys | None) -> dict[str, Any]:
    """`fields` as a list may show them.

    For a service no longer in the catalog every 16-digit answer is taken for an identity number
    and every date for a birth date.
    """
    masked: dict[str, Any] = {}
    for key, value in fields.items():
        if keys is None:
            identity = isinstance(value, str) and bool(_SIXTEEN_DIGITS.match(value))
            linked = isinstance(value, str) and bool(_ISO_DATE.match(value))
        else:
            identity, linked = key in keys.identity, key in keys.nik_linked
        if identity and isinstance(value, str):
            masked[key] = mask_identity_number(value)
        elif linked and value not in (None, ""):
            masked[key] = mask_whole(value)
        else:
            masked[key] = value
    return masked


def mask_name(name: str) -> str:
    """`Siti Aminah` → `S*** A*****`: enough to ask "is that you?", not enough to learn a name."""
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in name.split())
