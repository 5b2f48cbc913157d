"""The names a generated Flow shares with the rest of Loket: payload keys, prefill keys, screen ids.

The completion payload (`response_json` of the `nfm_reply`) maps one-to-one to the catalog:

| payload key | what it holds |
|---|---|
| `variant` | the chosen variant code (only when the service has variants) |
| a field key (`nik`, …) | the answer typed or picked: text, a choice id, a date as YYYY-MM-DD |
| `doc_<document key>` | the picker's files: a list of `{file_name, mime_type, sha256, id}` (≤ 1) |
| `doc_<document key>__<n>` | page n (2, 3, …) of a document that needs several files (`min` > 1) |
| `consent` | true: the resident ticked the declaration |
| `flow_token` | added by WhatsApp (sometimes missing: match on `context.id`) |

Fields the catalog derives from a NIK (`derive`: the birth date and sex) are not in the form:
the completion fills them from the NIK as the chat does (`form_fields`).

The entry screen's data model (what the sender may pass in `flow_action_payload.data`) holds one
string per form field key and `variant`, in the same format as the payload, and one boolean
`held_<document key>` per reusable document: true when the locker already holds a copy.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.flows.catalog.schema import DocumentSpec, FieldSpec, Service

VARIANT_KEY = "variant"
CONSENT_KEY = "consent"
FLOW_TOKEN_KEY = "flow_token"
DOCUMENT_PREFIX = "doc_"
HELD_PREFIX = "held_"
# Field keys that would collide with a key the form itself puts in the payload or data model.
RESERVED_FIELD_KEYS = frozenset({VARIANT_KEY, CONSENT_KEY, FLOW_TOKEN_KEY})
RESERVED_FIELD_PREFIXES = (DOCUMENT_PREFIX, HELD_PREFIX)

_DIGITS = ("ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE")


def is_derived(spec: FieldSpec) -> bool:
    """True for a field filled from a NIK (`derive` with `nik_field`): the form does not ask it."""
    return spec.derive is not None and spec.nik_field is not None


def form_fields(service: Service) -> list[tuple[int, FieldSpec]]:
    """The fields the form asks, with their index in the catalog (derived ones left out)."""
    return [(index, spec) for index, spec in enumerate(service.fields) if not is_derived(spec)]


def picker_pages(spec: DocumentSpec) -> int:
    """How many single-file pickers a document gets: one per required file, at least one."""
    return max(1, spec.min)


def picker_key(document_key: str, page: int = 1) -> str:
    """The payload key (and picker name) of page `page` of a document."""
    key = f"{DOCUMENT_PREFIX}{document_key}"
    return key if page == 1 else f"{key}__{page}"


def held_key(document_key: str) -> str:
    """The boolean prefill key saying the locker already holds this (reusable) document."""
    return f"{HELD_PREFIX}{document_key}"


def screen_id(name: str, index: int = 0) -> str:
    """A screen id of capital letters and underscores (digits are spelled out: Meta is said to
    refuse them); `index` > 0 appends _B, _C, … for the second, third, … screen of a kind."""
    spelled = "".join(f"_{_DIGITS[int(c)]}_" if c.isdigit() else c.upper() for c in name)
    base = re.sub("_+", "_", spelled).strip("_")
    return base if index == 0 else f"{base}_{_letters(index)}"


def _letters(index: int) -> str:
    """Base-26 in letters: 1 → B, 25 → Z, 26 → BA (A is the unsuffixed first screen)."""
    letters = ""
    while True:
        index, rest = divmod(index, 26)
        letters = chr(ord("A") + rest) + letters
        if index == 0:
            return letters


@dataclass(frozen=True)
class PayloadKey:
    """What one key of the completion payload stands for."""

    kind: Literal["variant", "field", "document", "consent"]
    key: str  # the variant key, the field key, the document key or the consent key
    page: int = 1


def payload_keys(service: Service) -> dict[str, PayloadKey]:
    """Every key the Flow of `service` puts in its completion payload, in screen order."""
    keys: dict[str, PayloadKey] = {}
    if service.variants:
        keys[VARIANT_KEY] = PayloadKey("variant", VARIANT_KEY)
    for _, spec in form_fields(service):
        keys[spec.key] = PayloadKey("field", spec.key)
    for document in service.documents:
        for page in range(1, picker_pages(document) + 1):
            keys[picker_key(document.key, page)] = PayloadKey("document", document.key, page)
    keys[CONSENT_KEY] = PayloadKey("consent", CONSENT_KEY)
    return keys


def prefill_keys(service: Service) -> list[str]:
    """The keys of the entry screen's data model, in order."""
    keys = [VARIANT_KEY] if service.variants else []
    keys += [spec.key for _, spec in form_fields(service)]
    keys += [held_key(spec.key) for spec in service.documents if spec.reusable]
    return keys


def prefill_data(
    service: Service,
    answers: Mapping[str, Any] | None = None,
    *,
    variant: str | None = None,
    held: Collection[str] = (),
) -> dict[str, str | bool]:
    """The `flow_action_payload.data` to open the form with what Loket already knows.

    `answers` are field values as the chat stores them (dates as YYYY-MM-DD, choices as ids);
    `held` names the reusable documents the locker already holds. Every declared key is sent:
    an unknown answer as an empty string, which WhatsApp shows as an empty input (to confirm
    with a draft send, reference §3.1: Meta documents no rule for absent keys).
    """
    known = dict(answers or {})
    data: dict[str, str | bool] = {}
    if service.variants:
        data[VARIANT_KEY] = variant or ""
    for _, spec in form_fields(service):
        value = known.get(spec.key)
        data[spec.key] = "" if value is None else str(value)
    for document in service.documents:
        if document.reusable:
            data[held_key(document.key)] = document.key in held
    return data


@dataclass(frozen=True)
class FormAnswers:
    """A completion payload split back onto the catalog (see `split_payload`)."""

    variant: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, list[Any]] = field(default_factory=dict)
    consent: bool = False
    flow_token: str | None = None
    unknown: dict[str, Any] = field(default_factory=dict)


def split_payload(service: Service, payload: Mapping[str, Any]) -> FormAnswers:
    """Map a completion payload onto `service`: answers by field key, files by document key.

    Empty values (a field hidden by its condition, an optional picker left empty) are left out;
    the pages of a document are joined in page order. Nothing is validated here: answers go
    through the chat's validators and files through the locker's checks.
    """
    keys = payload_keys(service)
    variant: str | None = None
    fields: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for name, value in payload.items():
        meaning = keys.get(name)
        if name == FLOW_TOKEN_KEY:
            continue
        if meaning is None:
            unknown[name] = value
        elif value in (None, "", []):
            continue
        elif meaning.kind == "variant":
            variant = str(value)
        elif meaning.kind == "field":
            fields[meaning.key] = value
    token = payload.get(FLOW_TOKEN_KEY)
    return FormAnswers(
        variant=variant,
        fields=fields,
        documents=_by_page(service, payload),
        consent=payload.get(CONSENT_KEY) is True,
        flow_token=str(token) if token else None,
        unknown=unknown,
    )


def _by_page(service: Service, payload: Mapping[str, Any]) -> dict[str, list[Any]]:
    documents: dict[str, list[Any]] = {}
    for spec in service.documents:
        for page in range(1, picker_pages(spec) + 1):
            value = payload.get(picker_key(spec.key, page))
            if value in (None, "", []):
                continue
            documents.setdefault(spec.key, []).extend(value if isinstance(value, list) else [value])
    return documents
