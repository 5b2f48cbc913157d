"""Remembered data in and out: the engine's memory events applied, and its view of them built.

Nothing is kept without the resident's consent: `Remember` is applied only while the consent
row says `granted`, and withdrawing it ("hapus data saya") empties the person's data, deletes
every remembered subject and withdraws the keep-for-reuse mark of the resident's documents, so
the retention policy applies to them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app import locker
from app.flows import events as ev
from app.flows.context import Remembered, RememberedSubject, StoredDocument
from app.intake import service as intake
from app.memory import repository
from app.memory.models import (
    CONSENT_GRANTED,
    CONSENT_REFUSED,
    CONSENT_WITHDRAWN,
    ResidentMemory,
)

# How long after an expiry reminder a bare "perpanjang" still means "renew that permit".
RENEWAL_REPLY_DAYS = 45

MemoryEvent = ev.MemoryConsent | ev.Remember | ev.ForgetMemory


async def apply(session: AsyncSession, resident_id: int, event: MemoryEvent, now: datetime) -> None:
    """Carry out one memory event of the engine for this resident."""
    if isinstance(event, ev.MemoryConsent):
        await _decide(
            session, resident_id, CONSENT_GRANTED if event.granted else CONSENT_REFUSED, now
        )
    elif isinstance(event, ev.Remember):
        await _remember(session, resident_id, event, now)
    else:
        await forget(session, resident_id, now)


async def _decide(
    session: AsyncSession, resident_id: int, consent: str, now: datetime
) -> ResidentMemory:
    row = await repository.memory_of(session, resident_id)
    if row is None:
        row = ResidentMemory(resident_id=resident_id, consent=consent, decided_at=now, person={})
        session.add(row)
    else:
        row.consent, row.decided_at = consent, now
    await session.flush()
    return row


async def _remember(
    session: AsyncSession, resident_id: int, event: ev.Remember, now: datetime
) -> None:
    row = await repository.memory_of(session, resident_id)
    if row is None or row.consent != CONSENT_GRANTED:
        return  # no consent, nothing kept
    row.person = {**(row.person or {}), **event.person}
    row.updated_at = now
    if event.subject is None:
        return
    kind, key, label = event.subject
    expires_on = date.fromisoformat(event.expires_on) if event.expires_on else None
    found = await repository.subject(session, resident_id, kind, key)
    if found is None:
        await repository.add_subject(
            session,
            resident_id=resident_id,
            kind=kind,
            key=key,
            label=label,
            service_code=event.service,
            fields=dict(event.fields),
            documents=dict(event.documents),
            expires_on=expires_on,
            now=now,
        )
    else:
        found.label, found.service_code = label, event.service
        found.fields = {**(found.fields or {}), **event.fields}
        found.documents = {**(found.documents or {}), **event.documents}
        found.expires_on = expires_on or found.expires_on
        found.updated_at = now
    for ids in event.documents.values():
        for document_id in ids:
            await intake.record_reuse_consent(
                session, resident_id=resident_id, document_id=document_id, now=now
            )


async def forget(session: AsyncSession, resident_id: int, now: datetime) -> None:
    """Withdraw consent: forget the person's data and subjects, stop keeping their documents."""
    row = await _decide(session, resident_id, CONSENT_WITHDRAWN, now)
    row.person = {}
    await repository.forget_subjects(session, resident_id)
    for document in await locker.resident_locker(session, resident_id, now):
        if document.keep_for_reuse:
            await locker.set_keep_for_reuse(session, document.id, False, now)


async def remembered(
    session: AsyncSession, resident_id: int, *, now: datetime, stored: Sequence[StoredDocument]
) -> Remembered:
    """The engine's view: consent, person data and subjects whose documents are still stored.

    A remembered document that left the locker (purged, expired, refused) is not offered.
    """
    row = await repository.memory_of(session, resident_id)
    if row is None:
        return Remembered()
    if row.consent != CONSENT_GRANTED:
        return Remembered(consent=False)
    available = {item.document_id for item in stored}
    subjects = []
    renewal, latest = None, now - timedelta(days=RENEWAL_REPLY_DAYS)
    for item in await repository.subjects_of(session, resident_id):
        documents = {
            key: [str(i) for i in ids]
            for key, ids in (item.documents or {}).items()
            if ids and all(str(i) in available for i in ids)
        }
        subjects.append(
            RememberedSubject(
                kind=item.kind,
                key=item.subject_key,
                label=item.label,
                fields=dict(item.fields or {}),
                documents=documents,
                expires_on=item.expires_on,
            )
        )
        if item.reminded_at is not None and item.reminded_at >= latest:
            renewal, latest = (item.service_code, item.kind, item.subject_key), item.reminded_at
    return Remembered(
        consent=True,
        person={k: str(v) for k, v in (row.person or {}).items()},
        subjects=tuple(subjects),
        renewal=renewal,
    )
