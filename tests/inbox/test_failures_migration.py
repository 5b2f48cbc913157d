"""Migration 0009a: events set aside before `failed_at` existed are found and marked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text

from app.db import create_engine, migrate

_ROWS = [
    # id, attempts, last_error, processed_at: set aside / failed twice then handled / pending
    (1, 3, "ValueError: boom", datetime(2026, 11, 22, 1, 0, tzinfo=UTC)),
    (2, 2, "OperationalError: locked", datetime(2026, 11, 22, 1, 1, tzinfo=UTC)),
    (3, 1, "ValueError: boom", None),
]


async def test_set_aside_events_are_backfilled(empty_database_url: str) -> None:
    await asyncio.to_thread(migrate.upgrade, empty_database_url, "0008_operations")
    engine = create_engine(empty_database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO resident (id, wa_id, language, created_at) "
                    "VALUES (1, '62811', 'id', '2026-11-22 00:00:00')"
                )
            )
            for event_id, attempts, error, processed in _ROWS:
                await conn.execute(
                    text(
                        "INSERT INTO inbound_event (id, dedup_key, kind, resident_id, "
                        "external_id, payload, received_at, processed_at, attempts, last_error) "
                        "VALUES (:id, :key, 'message', 1, :key, '{}', '2026-11-22 00:59:00', "
                        ":processed, :attempts, :error)"
                    ),
                    {
                        "id": event_id,
                        "key": f"m:{event_id}",
                        "processed": processed,
                        "attempts": attempts,
                        "error": error,
                    },
                )
        await asyncio.to_thread(migrate.upgrade, empty_database_url)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT id, failed_at IS NOT NULL FROM inbound_event ORDER BY id")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [(1, True), (2, False), (3, False)]
