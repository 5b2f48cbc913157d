"""Helpers shared by the locker's database tests (not fixtures: plain functions and values)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker.models import Blob, Document
from app.locker.policy import DocumentRequirement
from app.locker.service import ingest_media
from app.locker.store import BlobStore
from app.residents.models import Resident
from tests.support.media import FakeMediaSource, SleepRecorder

KTP = DocumentRequirement("ktp_photo", kind="ktp", validity_days=365)
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
MiB = 1024 * 1024
_numbers = itertools.count(1)


def clock() -> datetime:
    return NOW


async def make_resident(session: AsyncSession) -> int:
    """A synthetic resident (a made-up number in Indonesia's format, no real person)."""
    resident = Resident(wa_id=f"62800000{next(_numbers):05d}", name="Warga Uji")
    session.add(resident)
    await session.flush()
    return resident.id


async def ingest(
    session: AsyncSession,
    store: BlobStore,
    source: FakeMediaSource,
    resident_id: int,
    media_id: str = "m1",
    **kw: Any,
) -> Document:
    """`ingest_media` with the test defaults: the KTP requirement, a fixed clock, no real sleep."""
    kw.setdefault("requirement", KTP)
    kw.setdefault("sleep", SleepRecorder())
    kw.setdefault("clock", clock)
    return await ingest_media(
        session, store, source, resident_id=resident_id, media_id=media_id, **kw
    )


async def blobs(session: AsyncSession) -> list[Blob]:
    return list((await session.execute(select(Blob).order_by(Blob.sha256))).scalars())
