"""Uploading an issued PDF through the API, and reading back what Loket kept."""

from __future__ import annotations

import hashlib

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.models import AuditEvent
from app.requests.issued_models import IssuedDocument
from tests.support.clients import Api
from tests.support.factories import World

TICKET = "KTP-261120-0001"  # Siti Aminah's KTP, at DESA-A1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def upload(
    api: Api, world: World, user: str, content: bytes, ticket: str = TICKET
) -> httpx.Response:
    return await api.client.post(
        f"/api/v1/requests/{ticket}/issued",
        headers=world.auth(user),
        files={"file": ("surat.pdf", content, "application/pdf")},
    )


async def issued_rows(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[IssuedDocument]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(IssuedDocument))).all())


async def issue_audit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[tuple[str, str | None, str | None]]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document_issued").order_by(AuditEvent.id)
        )
        return [(row.actor, row.target, (row.detail or {}).get("signed_by")) for row in rows]


async def stored_bytes(api: Api, issued: IssuedDocument) -> bytes:
    return await api.runtime.store.read_bytes(issued.sha256)
