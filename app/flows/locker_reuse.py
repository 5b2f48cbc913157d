"""Which stored document may stand in for a requirement (the locker's reuse offers)."""

from __future__ import annotations

from app.flows.catalog import DocumentSpec
from app.flows.context import StoredDocument
from app.flows.turn import Turn


def reusable_document(turn: Turn, spec: DocumentSpec) -> StoredDocument | None:
    """The newest locker document that may stand in for `spec`, if reuse is allowed.

    Once the resident agreed that Loket remembers subjects, a document remembered per subject
    (a boat's papers) is no longer taken from the locker by its kind alone: it might be another
    boat's. Only the remembered subject offers it.
    """
    if not spec.reusable:
        return None
    if turn.context.memory.consent and spec.key in subject_documents(turn):
        return None
    fitting = [
        stored
        for stored in turn.context.locker
        if stored.kind == spec.locker_kind
        and (stored.expires_at is None or stored.expires_at > turn.now)
        and (
            spec.validity_days is None or (turn.now - stored.accepted_at).days < spec.validity_days
        )
    ]
    return max(fitting, key=lambda stored: stored.accepted_at, default=None)


def subject_documents(turn: Turn) -> frozenset[str]:
    """The documents of the draft's service that belong to its subject (none without one)."""
    draft = turn.session.draft
    service = turn.catalog.services.get(draft.service) if draft is not None else None
    memory = service.memory if service is not None else None
    if memory is None or memory.subject is None:
        return frozenset()
    return frozenset(memory.subject.documents)
