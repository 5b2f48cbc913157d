"""The request listing walks an index in its own order: no sort of every visible request.

The statement is the one `listing.list_requests` really sends (captured on its way to the
driver); the database's own EXPLAIN tells how it would run it. On PostgreSQL sequential scans are
switched off for the transaction so that the plan shows what a large table gets, whatever the
few rows here, and so are sorts (which PostgreSQL then uses only when no index gives the order;
bench/queue_bench.py shows the same plans on 1,000,000 requests).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.requests import listing
from app.requests.listing import RequestFilter


async def _plan(db_session: AsyncSession, wanted: RequestFilter) -> str:
    """The plan of the listing statement for `wanted`, one line per node."""
    connection = await db_session.connection()
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(connection.sync_connection, "before_cursor_execute", capture)
    try:
        await listing.list_requests(db_session, None, wanted, after=None, limit=51)
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", capture)
    [(statement, parameters)] = sent
    if connection.dialect.name == "postgresql":
        # What a large table gets, with the few rows here: no whole-table scan, no sort of all.
        await connection.execute(text("SET LOCAL enable_seqscan = off"))
        await connection.execute(text("SET LOCAL enable_sort = off"))
        rows = await connection.exec_driver_sql("EXPLAIN (COSTS OFF) " + statement, parameters)
        return "\n".join(row[0] for row in rows)
    rows = await connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
    return "\n".join(row[-1] for row in rows)


@pytest.mark.parametrize(
    ("wanted", "index"),
    [
        (RequestFilter(), "ix_request_created_id"),
        (RequestFilter(service="ktp"), "ix_request_service_created"),
    ],
    ids=["newest first", "one service"],
)
async def test_the_listing_reads_an_index_in_its_order(
    db_session: AsyncSession, wanted: RequestFilter, index: str
) -> None:
    plan = await _plan(db_session, wanted)
    if db_session.get_bind().dialect.name == "postgresql":
        assert f"Index Scan Backward using {index} on request" in plan, plan
        assert "Sort" not in plan, plan
    else:
        assert f"request USING INDEX {index}" in plan, plan  # SCAN, or SEARCH on a service
        assert "TEMP B-TREE" not in plan, plan
