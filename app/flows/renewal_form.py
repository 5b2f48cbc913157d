"""A renewal form opened from an expiry reminder: the request starts with the form itself.

The reminder 30 days before a remembered permit ends (a fisher's SIPI) carries a FLOW button
that opens the service's form pre-filled for that subject (`prefill`). No chat is open when
the fisher submits it, so the completion starts the renewal: a draft about that subject whose
form is the one the reminder carried. From there it is an ordinary form completion
(`form_completion`): what memory keeps is reused as if "Ya" was tapped, the form's answers and
files are checked, and the summary asks to confirm. The caller verified the signed token
(resident, service, subject) before setting `FormSubmitted.renewal`; the engine trusts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.flows import recall
from app.flows.catalog import Service
from app.flows.context import Remembered, StoredDocument
from app.flows.forms import prefill_data
from app.flows.inputs import FormSubmitted
from app.flows.reach import condition_holds
from app.flows.session import Draft, FormState
from app.flows.turn import Turn


def opens(turn: Turn, item: FormSubmitted, token: str | None) -> bool:
    """Make the draft a reminder's renewal form belongs to; False when it cannot be taken now.

    Nothing is done when the form is already the draft's. A draft of the same service about
    the same subject (or about none yet) takes the form over; another unfinished request (or a
    correction) keeps the chat's attention, and the resident is told to finish or cancel it.
    """
    session, code = turn.session, item.renewal
    service = turn.catalog.services.get(code or "")
    if service is None or token is None or token in session.forms_done:
        return True  # the usual checks answer (stale or duplicate)
    draft = session.draft
    if draft is not None and draft.form is not None and draft.form.token == token:
        return True
    subject = _subject(turn, service, item.renewal_subject)
    if draft is not None and (
        draft.ticket is not None
        or draft.service != service.code
        or draft.subject not in (None, subject)
    ):
        busy = turn.service(draft.service).names.get(turn.lang)
        turn.note(turn.t("form_reply.renewal_busy", service=busy))
        return False
    if draft is None:
        draft = Draft(id=turn.setup.new_id(), service=service.code, subject=subject)
        session.draft = draft
    draft.subject = subject  # a renewal begun in chat before its boat was named takes it now
    draft.form = FormState(token=token)
    return True


def _subject(turn: Turn, service: Service, key: str | None) -> str | None:
    """The remembered subject the form names, or "a new one" when memory no longer holds it."""
    spec = service.memory.subject if service.memory else None
    if spec is None or not key:
        return None
    known = {item.key for item in recall.subjects(turn, spec)}
    return key if key in known else recall.NEW_SUBJECT


def prefill(
    service: Service,
    memory: Remembered,
    locker: Sequence[StoredDocument],
    subject_key: str,
    *,
    now: datetime,
) -> dict[str, str | bool]:
    """The reminder form's `flow_action_data`: what the chat's "Pakai data ini?" would offer.

    The person's answers, the subject's answers and papers, the answers its keeping implies
    and the date its permit ends, and the locker's reusable documents of other kinds (a boat's
    papers are taken only from the boat, never from the locker by kind).
    """
    spec = service.memory
    answers: dict[str, Any] = {}
    held: list[str] = []
    if spec is None or not memory.consent:
        return prefill_data(service, answers, held=held)
    for key, attribute in spec.person.items():
        if attribute in memory.person and service.field(key) is not None:
            answers[key] = memory.person[attribute]
    subject_spec = spec.subject
    subject = next(
        (
            item
            for item in memory.subjects
            if subject_spec is not None
            and item.kind == subject_spec.kind
            and item.key == subject_key
        ),
        None,
    )
    subject_papers = set(subject_spec.documents) if subject_spec is not None else set()
    if subject is not None and subject_spec is not None:
        answers.update({k: v for k, v in subject.fields.items() if k in subject_spec.fields})
        answers.update(subject_spec.kept)
        if subject_spec.expires and subject.expires_on is not None:
            answers[subject_spec.expires] = subject.expires_on.isoformat()
        held += [key for key in subject_spec.documents if subject.documents.get(key)]
    for doc in service.documents:
        if not doc.reusable or doc.key in subject_papers or doc.key in held:
            continue
        fitting = any(
            stored.kind == doc.locker_kind
            and (stored.expires_at is None or stored.expires_at > now)
            and (doc.validity_days is None or (now - stored.accepted_at).days < doc.validity_days)
            for stored in locker
        )
        if fitting and condition_holds(doc, None, answers):
            held.append(doc.key)
    return prefill_data(service, answers, held=held)


def token_of(item: FormSubmitted) -> str | None:
    """The one token the completion carries (payload or the message it answers), if any."""
    tokens = {token for token in (item.reply_token, item.flow_token) if token}
    return next(iter(tokens)) if len(tokens) == 1 else None
