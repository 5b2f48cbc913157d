"""Cross-reference rules of a service's `memory` block: every key it names must exist."""

from __future__ import annotations

from collections.abc import Iterator

from app.flows.catalog.schema import Service

Path = tuple[str | int, ...]
Problem = tuple[Path, str]


def memory_problems(service: Service) -> Iterator[Problem]:
    """Unknown fields or documents named by `memory`, and subject documents that are not
    `reusable` (a document only remembered per subject must still be one that may be reused)."""
    memory = service.memory
    if memory is None:
        return
    fields = {spec.key for spec in service.fields}
    documents = {spec.key: spec for spec in service.documents}
    for key in memory.person:
        if key not in fields:
            yield ("memory", "person", key), f"unknown field {key!r}"
    subject = memory.subject
    if subject is None:
        return
    base: Path = ("memory", "subject")
    named = [
        *[("keys", key) for key in subject.keys],
        *[("fields", key) for key in subject.fields],
        *[("kept", key) for key in subject.kept],
        *[("from_documents", key) for key in subject.from_documents],
    ]
    if subject.expires is not None:
        named.append(("expires", subject.expires))
    for section, key in named:
        if key not in fields:
            yield (*base, section), f"unknown field {key!r}"
    for key in subject.documents:
        if key not in documents:
            yield (*base, "documents"), f"unknown document {key!r}"
        elif not documents[key].reusable:
            yield (*base, "documents"), f"document {key!r} is remembered but not reusable"
    expiry = service.field(subject.expires) if subject.expires else None
    if expiry is not None and expiry.validator != "date":
        yield (*base, "expires"), f"field {expiry.key!r} is not a date"
