"""Intake: between the conversation and the locker.

A turn asks for a media item to be stored (`request_media`, in the turn's transaction); the media
worker fetches and checks it and answers the engine with a `DocumentChecked` input through the
inbox. At submission the documents named by the engine become the request's attachments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import locker
from app.flows.catalog import Catalog, DocumentSpec
from app.flows.context import StoredDocument
from app.intake.models import MediaJob
from app.locker import Document, DocumentRequirement, DocumentStatus
from app.requests.models import RequestDocument
from app.requests.service import AttachedDocument


def media_kind_of(mime_type: str | None) -> str:
    """Meta's message type for a MIME type, which selects Meta's size limit."""
    return "image" if (mime_type or "").startswith("image/") else "document"


async def request_media(
    session: AsyncSession,
    *,
    resident_id: int,
    requirement: str,
    media_id: str,
    mime_type: str | None,
    sha256: str | None,
    filename: str | None,
    now: datetime,
    service_code: str | None = None,
) -> MediaJob:
    """Queue a media item for the media worker (committed with the turn)."""
    job = MediaJob(
        resident_id=resident_id,
        service_code=service_code,
        requirement=requirement,
        media_id=media_id,
        media_kind=media_kind_of(mime_type),
        mime_type=mime_type,
        sha256=sha256,
        filename=filename,
        created_at=now,
    )
    session.add(job)
    await session.flush()
    return job


def requirement_for(catalog: Catalog, service_code: str | None, key: str) -> DocumentRequirement:
    """The locker's view of a catalog document: accepted file kinds, validity, reuse kind."""
    spec: DocumentSpec | None = None
    if service_code and service_code in catalog.services:
        spec = catalog.services[service_code].document(key)
    if spec is None:  # requirement keys mean the same paper in every service (e.g. "kk")
        spec = next((s.document(key) for s in catalog.services.values() if s.document(key)), None)
    if spec is None:
        return DocumentRequirement(key=key)
    return DocumentRequirement(
        key=key,
        kinds=tuple(spec.kinds),
        validity_days=spec.validity_days,
        kind=spec.locker_kind,
    )


async def reusable_documents(
    session: AsyncSession, *, resident_id: int, now: datetime
) -> list[StoredDocument]:
    """The resident's accepted, unexpired documents, for the engine's reuse offers."""
    return [
        StoredDocument(
            document_id=str(doc.id),
            kind=doc.kind,
            accepted_at=doc.checked_at or doc.created_at,
            expires_at=doc.expires_at,
        )
        for doc in await locker.resident_locker(session, resident_id, now)
    ]


async def record_reuse_consent(
    session: AsyncSession, *, resident_id: int, document_id: str, now: datetime
) -> None:
    """The resident agreed to reuse (and so to keep) a stored document."""
    document = await _owned(session, resident_id, document_id)
    if document is not None:
        await locker.set_keep_for_reuse(session, document.id, True, now)


async def attachments(
    session: AsyncSession, *, resident_id: int, documents: Mapping[str, Sequence[str]]
) -> list[AttachedDocument]:
    """The engine's `{requirement: [document ids]}` as attachments, if they are the resident's.

    A document already attached to an earlier request is marked `reused`.
    """
    result: list[AttachedDocument] = []
    for requirement, ids in documents.items():
        for raw_id in ids:
            document = await _owned(session, resident_id, raw_id)
            if document is None or document.status != DocumentStatus.ACCEPTED:
                continue
            earlier = await session.scalar(
                select(func.count())
                .select_from(RequestDocument)
                .where(RequestDocument.document_id == document.id)
            )
            result.append(AttachedDocument(requirement, document.id, reused=bool(earlier)))
    return result


async def bind_to_request(
    session: AsyncSession, *, documents: Sequence[AttachedDocument], ticket: str
) -> None:
    """The locker keeps these files for the request until it is released."""
    await locker.attach_documents(session, [d.document_id for d in documents], ticket)


async def unbind_from_request(
    session: AsyncSession, *, document_ids: Sequence[int], ticket: str, now: datetime
) -> None:
    """Documents swapped out of a request by a correction: retention counts from `now`."""
    await locker.release_documents(session, document_ids, ticket, now)


async def _owned(session: AsyncSession, resident_id: int, raw_id: str) -> Document | None:
    try:
        document_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    document = await locker.get_document(session, document_id)
    if document is None or document.resident_id != resident_id:
        return None
    return document
