"""What a form opened through the data endpoint starts with: what Loket already holds.

The entry screen's data model (`app.flows.forms.prefill_keys`) takes one string per answer and
one `held_<document>` flag per reusable document. Answers come from the resident's conversation:
the draft of this service when one is open, else the latest submitted request of this service
(the same person, the same boat), and the phone field from the number they write from. The
flags come from the locker: an accepted, unexpired document of the right kind.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import locker
from app.conversations.models import Conversation
from app.flows.catalog import Service
from app.flows.forms import prefill_data
from app.flows.session import Draft, Session
from app.residents.models import Resident


def _known_answers(snapshot: dict[str, Any] | None, service: Service) -> Draft | None:
    """The open draft of `service`, else the newest submitted one."""
    if not snapshot:
        return None
    try:
        session = Session.load(snapshot, "id")
    except ValueError:  # a snapshot of an older shape: start empty rather than fail the form
        return None
    if session.draft is not None and session.draft.service == service.code:
        return session.draft
    submitted = [draft for draft in session.submitted.values() if draft.service == service.code]
    return submitted[-1] if submitted else None


async def form_prefill(
    session: AsyncSession, service: Service, resident_id: int, *, now: datetime
) -> dict[str, Any] | None:
    """The entry screen's data for this resident, or None when the resident is gone."""
    resident = await session.get(Resident, resident_id)
    if resident is None:
        return None
    snapshot = await session.scalar(
        select(Conversation.snapshot).where(Conversation.resident_id == resident_id)
    )
    draft = _known_answers(snapshot, service)
    answers: dict[str, Any] = dict(draft.fields) if draft is not None else {}
    for spec in service.fields:
        if spec.validator == "phone" and spec.key not in answers and resident.wa_id:
            answers[spec.key] = f"+{resident.wa_id}"
    kinds = {document.kind for document in await locker.resident_locker(session, resident_id, now)}
    held = [spec.key for spec in service.documents if spec.reusable and spec.locker_kind in kinds]
    variant = draft.variant if draft is not None else None
    return prefill_data(service, answers, variant=variant, held=held)
