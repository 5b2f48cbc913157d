"""Rules that relate one part of a service definition to another.

Each problem comes back with the path of the YAML node it is about (for example
`("fields", 3, "when", "variant")`), so the checker can report the file line.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.flows.catalog.derivations import derivation_problems
from app.flows.catalog.memory_rules import memory_problems
from app.flows.catalog.schema import DocumentSpec, FieldSpec, LocalText, Service

Path = tuple[str | int, ...]
Problem = tuple[Path, str]

BUTTON_TITLE = 20
ROW_TITLE = 24
ROW_DESCRIPTION = 72
MAX_CHOICES = 10
SUMMARY_TARGET = "summary"


def service_problems(service: Service) -> list[Problem]:
    """Every cross-reference or limit problem of one service, in file order."""
    problems: list[Problem] = []
    problems += _title_limits(("names",), service.names, ROW_TITLE, "service name")
    problems += _title_limits(("summary",), service.summary, ROW_DESCRIPTION, "summary")
    problems += _variant_problems(service)
    problems += _item_problems(service)
    problems += derivation_problems(service)
    problems += memory_problems(service)
    return problems


def _title_limits(path: Path, text: LocalText, most: int, what: str) -> list[Problem]:
    return [
        ((*path, language), f"{what} is {len(value)} characters; Meta allows at most {most}")
        for language, value in (("id", text.id), ("en", text.en))
        if len(value) > most
    ]


def _variant_problems(service: Service) -> list[Problem]:
    problems: list[Problem] = []
    # Up to 3 variants are shown as buttons (titles <= 20); more as a list (titles <= 24).
    most = BUTTON_TITLE if len(service.variants) <= 3 else ROW_TITLE
    if len(service.variants) > MAX_CHOICES:
        problems.append((("variants",), f"at most {MAX_CHOICES} variants fit in one list"))
    seen: set[str] = set()
    for index, variant in enumerate(service.variants):
        path: Path = ("variants", index)
        if variant.code in seen:
            problems.append(((*path, "code"), f"duplicate variant code '{variant.code}'"))
        seen.add(variant.code)
        problems += _title_limits((*path, "title"), variant.title, most, "variant title")
        if variant.description is not None:
            problems += _title_limits(
                (*path, "description"), variant.description, ROW_DESCRIPTION, "description"
            )
    return problems


def _item_problems(service: Service) -> list[Problem]:
    problems: list[Problem] = []
    items = service.items
    order = {item.key: position for position, item in enumerate(items)}
    seen: set[str] = set()
    for position, item in enumerate(items):
        section = "fields" if isinstance(item, FieldSpec) else "documents"
        index = position if section == "fields" else position - len(service.fields)
        path: Path = (section, index)
        if item.key in seen:
            problems.append(((*path, "key"), f"duplicate key '{item.key}'"))
        seen.add(item.key)
        problems += _condition_problems(service, path, item, position)
        if item.next is not None and item.next != SUMMARY_TARGET:
            target = order.get(item.next)
            if target is None:
                problems.append(((*path, "next"), f"next refers to unknown item '{item.next}'"))
            elif target <= position:
                problems.append(
                    ((*path, "next"), f"next must point to a later item, not '{item.next}'")
                )
        if isinstance(item, FieldSpec):
            problems += list(_field_problems(service, path, item))
        else:
            problems += list(_document_problems(path, item))
    return problems


def _condition_problems(
    service: Service, path: Path, item: FieldSpec | DocumentSpec, position: int
) -> list[Problem]:
    if item.when is None:
        return []
    problems: list[Problem] = []
    earlier = {other.key: other for other in service.items[:position]}
    for name, values in item.when.items():
        where: Path = (*path, "when", name)
        if name == "variant":
            known = {variant.code for variant in service.variants}
            problems += [
                (where, f"condition refers to unknown variant '{value}'")
                for value in values
                if value not in known
            ]
            continue
        target = earlier.get(name)
        if not isinstance(target, FieldSpec):
            problems.append((where, f"condition refers to unknown or later field '{name}'"))
        elif target.validator == "choice":
            known = {choice.id for choice in target.choices}
            problems += [
                (where, f"condition refers to unknown choice '{value}' of '{name}'")
                for value in values
                if value not in known
            ]
    return problems


def _field_problems(service: Service, path: Path, spec: FieldSpec) -> Iterator[Problem]:
    yield from _title_limits((*path, "label"), spec.label, ROW_TITLE, "field label")
    if spec.validator == "choice":
        if not spec.choices:
            yield ((*path, "validator"), "a choice field needs choices")
        if len(spec.choices) > MAX_CHOICES:
            yield ((*path, "choices"), f"at most {MAX_CHOICES} choices fit in one list")
        most = BUTTON_TITLE if len(spec.choices) <= 3 else ROW_TITLE
        ids: set[str] = set()
        for index, choice in enumerate(spec.choices):
            if choice.id in ids:
                yield ((*path, "choices", index, "id"), f"duplicate choice id '{choice.id}'")
            ids.add(choice.id)
            yield from _title_limits(
                (*path, "choices", index, "title"), choice.title, most, "choice title"
            )
    elif spec.choices:
        yield ((*path, "choices"), "choices are only allowed with validator choice")
    if spec.nik_field is not None:
        target = service.field(spec.nik_field)
        if target is None or target.validator != "nik":
            yield ((*path, "nik_field"), f"nik_field '{spec.nik_field}' is not a NIK field")


def _document_problems(path: Path, spec: DocumentSpec) -> Iterator[Problem]:
    if spec.max < spec.min:
        yield ((*path, "max"), f"max ({spec.max}) is smaller than min ({spec.min})")
    if spec.validity_days is not None and not spec.reusable:
        yield ((*path, "validity_days"), "validity_days only matters for a reusable document")
