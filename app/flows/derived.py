"""What Loket derives instead of asking: the birth date and sex a NIK encodes, a variant picked
by an age (the KIA's age group), and whether a NIK comes from the office's region.

`fill` runs each time the draft moves forward (`progress.advance`). A field with `derive` in the
catalog is filled from its NIK as soon as the NIK is known and is not asked; the resident sees
it in one line right after the NIK and in the summary, marked "(dari NIK)", where "Ubah data"
changes it like any answer. `Draft.derived` remembers the values filled in this way: a value the
resident changed is theirs from then on (a NIK that disagrees stays a warning for staff, as
before), and a value still as derived follows a corrected NIK.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.flows.catalog import FieldSpec, Service
from app.flows.identity import IdentityError, NikInfo, parse_nik
from app.flows.prompts import applies
from app.flows.session import Draft
from app.flows.turn import Turn
from app.flows.validators import nik_warnings

OTHER_REGION = "nik_other_region"


def fill(turn: Turn) -> None:
    """Fill what the draft's NIKs and birth dates give, say so once, and keep the warnings."""
    draft, service = turn.draft(), turn.service()
    told: list[str] = []
    for spec in service.fields:
        if spec.derive is None or spec.nik_field is None:
            continue
        value = _from_nik(spec, draft.fields.get(spec.nik_field), turn.today)
        if _settle(draft, spec, value) and applies(spec, draft):
            told.append(f"{_phrase(spec.label.get(turn.lang))} {_shown(turn, spec, value)}")
    if told:
        turn.note(turn.t("derived.from_nik", facts=", ".join(told)))
    _variant_by_age(turn, service, draft)
    warnings = nik_warnings(service, draft.fields, today=turn.today)
    for key in _other_region(turn, service, draft):
        warnings.setdefault(key, []).append(OTHER_REGION)
    draft.warnings = warnings


def variant_later(service: Service, draft: Draft) -> bool:
    """True while the variant waits for the age it is picked by (not asked first)."""
    key = service.variant_by_age
    return key is not None and key not in draft.fields and key not in draft.skipped


def _settle(draft: Draft, spec: FieldSpec, value: Any) -> bool:
    """Store a derived value where it belongs; True when it is new or changed."""
    key = spec.key
    if key in draft.derived:
        if draft.fields.get(key) != draft.derived[key]:
            del draft.derived[key]  # the resident changed it: their answer from now on
            return False
        if value is None:  # the NIK is gone or unreadable: ask instead
            del draft.derived[key]
            draft.fields.pop(key, None)
            return False
        if value == draft.derived[key]:
            return False
    elif value is None or key in draft.fields or key in draft.skipped:
        return False
    draft.fields[key] = draft.derived[key] = value
    return True


def _from_nik(spec: FieldSpec, nik: object, today: date) -> Any:
    info = _nik_info(nik, today)
    if info is None:
        return None
    if spec.derive == "nik_birth_date":
        return info.birth_date.isoformat()
    return "perempuan" if info.female else "laki_laki"


def _nik_info(nik: object, today: date) -> NikInfo | None:
    if not isinstance(nik, str):
        return None
    try:
        return parse_nik(nik, today=today)
    except IdentityError:
        return None


def _shown(turn: Turn, spec: FieldSpec, value: Any) -> str:
    if spec.validator == "date":
        return turn.date_text(date.fromisoformat(str(value)))
    choice = next((c for c in spec.choices if c.id == value), None)
    return choice.title.get(turn.lang).lower() if choice else str(value)


def _phrase(label: str) -> str:
    """A label inside a sentence: "Tanggal lahir" → "tanggal lahir"; "NIK" stays."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _variant_by_age(turn: Turn, service: Service, draft: Draft) -> None:
    """Pick the variant whose ages hold the age on the birth date, once it is known."""
    key = service.variant_by_age
    if key is None or draft.variant is not None or key not in draft.fields:
        return
    born = date.fromisoformat(str(draft.fields[key]))
    today = turn.today
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    for variant in service.variants:
        if variant.ages is not None and variant.ages[0] <= age <= variant.ages[1]:
            draft.variant = variant.code
            turn.note(turn.t("derived.variant", variant=variant.title.get(turn.lang)))
            return


def _other_region(turn: Turn, service: Service, draft: Draft) -> list[str]:
    """The NIK fields whose number was first registered outside the office's region.

    A NIK keeps the region where it was first registered, also after its holder moved
    (indonesia-services.md §2.1: digits 5-6 "do not change when the person moves"; an unknown
    code "is a warning only"; a KTP-el may be served outside one's domicile when no data
    changes). So a NIK from elsewhere is never refused: the resident hears once that staff will
    check where the request is served, and staff see a warning.
    """
    office = turn.context.office
    region = office.region if office is not None else None
    if not region:
        return []
    # The first NIK a service asks is its subject's (the applicant, the child, the deceased):
    # the one that says where the request belongs. A reporter may live anywhere.
    spec = next((spec for spec in service.fields if spec.validator == "nik"), None)
    nik = draft.fields.get(spec.key) if spec is not None else None
    if spec is None or not isinstance(nik, str) or nik.startswith(region):
        return []
    if spec.key not in draft.region_noted:
        draft.region_noted.append(spec.key)
        turn.note(turn.t("derived.other_region", office=office.name if office else ""))
    return [spec.key]
