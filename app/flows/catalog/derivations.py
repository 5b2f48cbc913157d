"""Rules for what a service derives instead of asking: answers taken from a NIK (`derive`) and
the variant picked by an age (`variant_by_age` with each variant's `ages`).

Kept apart from rules.py so each file stays about one thing; problems come back with the path
of the YAML node they are about, like every other rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from app.flows.catalog.schema import FieldSpec, Service

Path = tuple[str | int, ...]
Problem = tuple[Path, str]

# The choice ids a derived sex is stored as (what nik_warnings compares too).
SEX_CHOICES = frozenset({"laki_laki", "perempuan"})


def derivation_problems(service: Service) -> list[Problem]:
    """Every problem of the service's `derive` fields and of its `variant_by_age`."""
    problems: list[Problem] = []
    for index, spec in enumerate(service.fields):
        if spec.derive is not None:
            problems += list(_derive_problems(service, ("fields", index), spec))
    problems += list(_age_problems(service))
    return problems


def _derive_problems(service: Service, path: Path, spec: FieldSpec) -> Iterator[Problem]:
    where = (*path, "derive")
    keys = [field.key for field in service.fields]
    if spec.nik_field is None:
        yield (where, "derive needs nik_field: the NIK the answer comes from")
    elif spec.nik_field in keys and keys.index(spec.nik_field) > keys.index(spec.key):
        yield (where, f"the NIK '{spec.nik_field}' must be asked before '{spec.key}'")
    if spec.derive == "nik_birth_date" and spec.validator != "date":
        yield (where, "nik_birth_date needs validator date")
    if spec.derive == "nik_sex" and (
        spec.validator != "choice" or {choice.id for choice in spec.choices} != SEX_CHOICES
    ):
        yield (where, "nik_sex needs validator choice with the choices laki_laki and perempuan")


def _age_problems(service: Service) -> Iterator[Problem]:
    key = service.variant_by_age
    with_ages = [index for index, variant in enumerate(service.variants) if variant.ages]
    if key is None:
        for index in with_ages:
            yield (("variants", index, "ages"), "ages need variant_by_age on the service")
        return
    field = service.field(key)
    if field is None or field.validator != "date":
        yield (("variant_by_age",), f"variant_by_age '{key}' is not a date field")
        return
    for index, variant in enumerate(service.variants):
        if variant.ages is None:
            yield (("variants", index), "with variant_by_age every variant needs ages")
        elif variant.ages[0] > variant.ages[1] or variant.ages[0] < 0:
            yield (("variants", index, "ages"), "ages are [youngest, oldest], from 0 up")
    spans = sorted(v.ages for v in service.variants if v.ages)
    if any(later[0] <= earlier[1] for earlier, later in pairwise(spans)):
        yield (("variants",), "the ages of two variants overlap")
    # Until the age is known the variant is not: nothing up to that field may depend on it.
    for index, item in enumerate(service.fields[: service.fields.index(field) + 1]):
        if item.when is not None and "variant" in item.when:
            yield (("fields", index, "when", "variant"), "asked before variant_by_age is known")
