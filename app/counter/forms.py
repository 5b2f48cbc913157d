"""The counter's form for one service: the catalog's items as inputs, answers checked as by chat.

The form shows every question and document of the chosen variant. Conditions on the variant are
settled when the form is built; conditions on other answers ("only when the birth letter exists")
are shown as a hint and settled when the form comes back, by walking the service's items in the
order the chat would (`next` jumps included) with the answers given so far. Each answer goes
through the bot's own validator (`app.flows.validators.validate`) with the same earlier answers,
so the counter accepts and refuses exactly what the chat does, with the same error codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.flows import items_reached, nik_warnings, validate
from app.flows.catalog import Catalog, DocumentSpec, FieldSpec, LocalText, Service

# Longer than any answer the validators accept (text fields allow at most 1000 characters).
MAX_ANSWER = 1200
_ACCEPT = {"image": "image/jpeg,image/png,.jpg,.jpeg,.png", "pdf": "application/pdf,.pdf"}


@dataclass(frozen=True)
class FieldError:
    """Why an input was refused: a code (the bot's error code where there is one) and values."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


# "Only when <label>: <choice>, <choice>": one per condition on another answer.
Hint = tuple[LocalText, list[LocalText]]


@dataclass(frozen=True)
class FormField:
    """One question as a form input: `kind` is "select", "date" or "text"."""

    spec: FieldSpec
    kind: str
    condition: dict[str, list[str]]  # on other answers; empty when it always applies
    hints: list[Hint] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def input_name(self) -> str:
        return f"field_{self.spec.key}"


@dataclass(frozen=True)
class FormDocument:
    """One document requirement as a file input (several files where the catalog allows)."""

    spec: DocumentSpec
    condition: dict[str, list[str]]
    hints: list[Hint] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def input_name(self) -> str:
        return f"doc_{self.spec.key}"

    @property
    def optional(self) -> bool:
        return self.spec.min == 0

    @property
    def multiple(self) -> bool:
        return self.spec.max > 1

    @property
    def accept(self) -> str:
        """The `accept` attribute: JPEG and PNG for photos, PDF for PDFs."""
        return ",".join(_ACCEPT[kind] for kind in self.spec.kinds)

    @property
    def kinds(self) -> str:
        """ "image", "pdf" or "image_pdf", for the hint under the input."""
        return "_".join(sorted(self.spec.kinds))


@dataclass(frozen=True)
class CounterForm:
    """The inputs for one service and variant."""

    service: Service
    variant: str | None
    fields: list[FormField]
    documents: list[FormDocument]


@dataclass
class CheckedAnswers:
    """The answers that apply, as the chat would store them, and what was wrong with the rest."""

    values: dict[str, Any]
    errors: dict[str, FieldError]
    warnings: dict[str, list[str]]  # by NIK field: the NIK disagrees with a birth date or sex
    documents: list[DocumentSpec]  # the requirements that apply to these answers


def parse_pick(catalog: Catalog, pick: str) -> tuple[Service, str | None] | None:
    """`ktp:hilang` (or `akta_kelahiran`) as a service and a variant of it; None if unknown.

    A service with variants needs one; a service without takes none.
    """
    code, _, variant = pick.strip().partition(":")
    service = catalog.services.get(code)
    if service is None:
        return None
    if service.variants:
        return (service, variant) if service.variant(variant) is not None else None
    return (service, None) if not variant else None


def build_form(service: Service, variant: str | None) -> CounterForm:
    """The form for `variant`: items whose variant condition excludes it are left out."""
    fields = [
        FormField(spec, _kind(spec), *_conditions(service, spec.when))
        for spec in service.fields
        if _variant_allows(spec.when, variant)
    ]
    documents = [
        FormDocument(spec, *_conditions(service, spec.when))
        for spec in service.documents
        if _variant_allows(spec.when, variant)
    ]
    return CounterForm(service, variant, fields, documents)


def _kind(spec: FieldSpec) -> str:
    if spec.validator == "choice":
        return "select"
    return "date" if spec.validator == "date" else "text"


def _variant_allows(when: dict[str, list[str]] | None, variant: str | None) -> bool:
    return when is None or "variant" not in when or variant in when["variant"]


def _conditions(
    service: Service, when: dict[str, list[str]] | None
) -> tuple[dict[str, list[str]], list[Hint]]:
    """The conditions on other answers, and for each the question and the choices it needs."""
    others = {name: values for name, values in (when or {}).items() if name != "variant"}
    hints: list[Hint] = []
    for name, wanted in others.items():
        spec = service.field(name)
        if spec is not None:
            hints.append((spec.label, [c.title for c in spec.choices if c.id in wanted]))
    return others, hints


def check_answers(form: CounterForm, raw: Mapping[str, str], *, today: date) -> CheckedAnswers:
    """Validate `raw` (answers by field key) in the chat's order, with the chat's validators."""
    service = form.service
    answers: dict[str, Any] = {}
    errors: dict[str, FieldError] = {}
    documents: list[DocumentSpec] = []
    # Lazy: each item's condition sees the answers checked before it is reached.
    for item in items_reached(service, form.variant, answers):
        if isinstance(item, DocumentSpec):
            documents.append(item)
            continue
        text = raw.get(item.key, "").strip()[:MAX_ANSWER]
        if not text:
            if item.required:
                errors[item.key] = FieldError("empty")
            continue  # an optional question left empty is skipped, as "lewati" does in chat
        if "\x00" in text:  # no validator expects it, and PostgreSQL's JSON cannot hold it
            errors[item.key] = FieldError("invalid")
            continue
        verdict = _answer(item, text, today, answers, service)
        if isinstance(verdict, FieldError):
            errors[item.key] = verdict
        else:
            answers[item.key] = verdict[0]
    warnings = nik_warnings(service, answers, today=today)
    return CheckedAnswers(dict(answers), errors, warnings, documents)


def _answer(
    spec: FieldSpec, text: str, today: date, answers: dict[str, Any], service: Service
) -> tuple[Any] | FieldError:
    """(value,) when accepted, else the validator's error code and its parameters."""
    if spec.validator == "choice" and any(choice.id == text for choice in spec.choices):
        return (text,)  # picked from the select: taken as a tapped button is in chat
    verdict = validate(spec, text, today=today, answers=answers, service=service)
    if verdict.ok:
        return (verdict.value,)
    return FieldError(verdict.error or "invalid", dict(verdict.params))
