"""Helpers for media-worker tests: jobs for several residents, waiting on conditions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.inbox.models import InboundEvent
from app.intake.models import MediaJob
from app.residents.models import Resident

# A guard against a hang, never a measure: the conditions waited for come within milliseconds.
PATIENCE_SECONDS = 30.0
_STEP = 0.02


async def add_job(
    sessionmaker: async_sessionmaker[AsyncSession], wa_id: str, media_id: str, **values: Any
) -> int:
    """Queue a KK photo job for the resident with `wa_id` (created if new); return its id."""
    async with unit_of_work(sessionmaker) as session:
        resident = await session.scalar(select(Resident).where(Resident.wa_id == wa_id))
        if resident is None:
            resident = Resident(wa_id=wa_id)
            session.add(resident)
            await session.flush()
        job = MediaJob(
            resident_id=resident.id,
            service_code="ktp",
            requirement="kk",
            media_id=media_id,
            media_kind="image",
            mime_type="image/jpeg",
            **values,
        )
        session.add(job)
        await session.flush()
        return job.id


async def verdict_keys(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    """The queued verdicts by job (`media_job:<id>`), in the order they were queued."""
    async with sessionmaker() as session:
        rows = await session.scalars(select(InboundEvent.external_id).order_by(InboundEvent.id))
        return [key for key in rows if key and key.startswith("media_job:")]


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until `check()` is true; fail with `what` if it never becomes true."""
    for _ in range(int(PATIENCE_SECONDS / _STEP)):
        if await check():
            return
        await asyncio.sleep(_STEP)
    raise AssertionError(what)


async def job(sessionmaker: async_sessionmaker[AsyncSession], job_id: int) -> MediaJob:
    async with sessionmaker() as session:
        found = await session.get(MediaJob, job_id)
        assert found is not None
        return found
