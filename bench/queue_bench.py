"""The operators' listing with many requests in PostgreSQL: timings and EXPLAIN (ANALYZE) plans.

    python bench/queue_bench.py [--rows 1000000] [--postgres URL] [--repeat 5]

Creates a fresh database on the PostgreSQL server (`--postgres`, default the local one), migrates
it, fills it with SQL alone (`generate_series`: one regency, 20 districts, 200 villages, 50,000
residents and `--rows` requests over two years, a third of them pre-checked by a village), runs
ANALYZE, then times the listing the way the queue page and `GET /api/v1/requests` run it
(`app.requests.queries.list_page`, warm, median of `--repeat`) for an admin and for a district
operator, with and without filters and on a second page, and prints the plan of each listing
query (its own execution time is the plan's "Execution Time"; the rest of a listing's time is
its other look-ups, the round trips and Python). Target: <= 100 ms each. The database is dropped
afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from app.db import create_engine, create_read_sessionmaker, migrate  # noqa: E402
from app.flows.catalog import load_catalog  # noqa: E402
from app.requests import listing, queries  # noqa: E402

FILL = """
INSERT INTO office (code, name, level, parent_id, created_at)
VALUES ('KAB', 'Kabupaten', 'regency', NULL, now());
INSERT INTO office (code, name, level, parent_id, created_at)
SELECT 'KEC-' || d, 'Kecamatan ' || d, 'district', (SELECT id FROM office WHERE code = 'KAB'), now()
FROM generate_series(1, 20) AS d;
INSERT INTO office (code, name, level, parent_id, created_at)
SELECT 'DESA-' || d || '-' || v, 'Desa ' || d || '-' || v, 'village',
       (SELECT id FROM office WHERE code = 'KEC-' || d), now()
FROM generate_series(1, 20) AS d, generate_series(1, 10) AS v;
INSERT INTO resident (wa_id, name, language, created_at, last_inbound_at)
SELECT '62812' || lpad(r::text, 7, '0'), 'Warga ' || r, 'id', now(), now()
FROM generate_series(1, 50000) AS r;
INSERT INTO request (ticket, service_code, resident_id, office_id, precheck_office_id, status,
                     fields, warnings, language, submitted_at, due_date, completed_at,
                     pickup_reminders_sent, channel, created_at, updated_at)
SELECT 'T-' || n,
       (ARRAY['ktp', 'kk', 'kia', 'akta_kelahiran', 'akta_kematian', 'pindah'])[1 + n % 6],
       (SELECT min(id) FROM resident) + n % 50000,
       district.id,
       CASE WHEN n % 3 = 0 THEN village.id END,
       s.status,
       '{}'::jsonb, '[]'::jsonb, 'id', t.at, (t.at + interval '14 days')::date,
       CASE WHEN s.status = 'completed' THEN t.at + interval '3 days' END,
       0, 'whatsapp', t.at, t.at
FROM generate_series(1, :rows) AS n
CROSS JOIN LATERAL (
    SELECT timestamptz '2026-12-01' - (n::float / :rows) * interval '730 days' AS at
) AS t
CROSS JOIN LATERAL (
    SELECT CASE
        WHEN n % 100 < 70 THEN 'completed' WHEN n % 100 < 78 THEN 'submitted'
        WHEN n % 100 < 84 THEN 'in_review' WHEN n % 100 < 88 THEN 'processing'
        WHEN n % 100 < 91 THEN 'needs_correction' WHEN n % 100 < 94 THEN 'ready_for_pickup'
        WHEN n % 100 < 97 THEN 'rejected' WHEN n % 100 < 99 THEN 'cancelled'
        ELSE 'collecting' END AS status
) AS s
JOIN office AS district ON district.code = 'KEC-' || (1 + n % 20)
JOIN office AS village ON village.code = 'DESA-' || (1 + n % 20) || '-' || (1 + n % 10);
"""


def _server(url: str) -> str:
    return url.rstrip("/")


async def _admin(server: str, statement: str) -> None:
    engine = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def _plan_sql(scope: frozenset[int] | None, wanted: listing.RequestFilter) -> str:
    """The listing statement exactly as `listing.list_requests` builds it, values inlined."""
    stmt = (
        listing._listing(scope, wanted)  # the same statement the page runs
        .order_by(listing.Request.created_at.desc(), listing.Request.id.desc())
        .limit(51)
    )
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


async def run(args: argparse.Namespace, figures: dict[str, float] | None = None) -> int:
    """Fill, time and explain; `figures` (when given) receives the slowest median in ms."""
    server = _server(args.postgres)
    name = f"loket_queue_{uuid.uuid4().hex[:8]}"
    try:
        await _admin(server, f'CREATE DATABASE "{name}"')
    except OSError as exc:  # no server: this bench needs PostgreSQL, the others do not
        print(f"skipped: PostgreSQL at {server} is not answering ({exc})")
        return 0
    url = f"{server}/{name}"
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        started = time.perf_counter()
        async with engine.begin() as conn:
            for statement in FILL.replace(":rows", str(args.rows)).split(";\n"):
                if statement.strip():
                    await conn.execute(text(statement))
        async with engine.connect() as conn:
            await conn.execute(text("COMMIT"))
            await conn.execute(text("ANALYZE"))
        print(f"filled {args.rows:,} requests in {time.perf_counter() - started:.1f} s", flush=True)
        catalog = load_catalog()
        reads = create_read_sessionmaker(engine)
        async with reads() as session:
            district = await session.scalar(text("SELECT id FROM office WHERE code = 'KEC-1'"))
            villages = (
                await session.scalars(text(f"SELECT id FROM office WHERE parent_id = {district}"))
            ).all()
        kec = frozenset([int(district), *map(int, villages)])
        first = await _page(reads, catalog, None, queries.ListQuery(limit=50))
        cases: list[tuple[str, frozenset[int] | None, queries.ListQuery]] = [
            ("api, admin, newest 50", None, queries.ListQuery(limit=50)),
            ("api, admin, page 2", None, queries.ListQuery(limit=50, cursor=first)),
            ("api, admin, status=submitted", None, queries.ListQuery(status="submitted")),
            ("api, admin, service=kk", None, queries.ListQuery(service="kk")),
            ("queue, district operator", kec, queries.ListQuery(limit=50)),
            ("queue, district, overdue", kec, queries.ListQuery(limit=50, overdue=True)),
            ("queue, district, status=in_review", kec, queries.ListQuery(status="in_review")),
        ]
        floor = []
        for _ in range(args.repeat + 1):
            began = time.perf_counter()
            async with reads() as session:
                await session.execute(text("SELECT 1"))
            floor.append((time.perf_counter() - began) * 1000)
        label = "floor: SELECT 1 in a read session"
        print(f"{label:>36}: median {statistics.median(floor[1:]):7.1f} ms")
        slow = 0
        medians = []
        for label, scope, query in cases:
            times = []
            for _ in range(args.repeat + 1):  # the first run warms caches and is not counted
                began = time.perf_counter()
                await _page(reads, catalog, scope, query)
                times.append((time.perf_counter() - began) * 1000)
            median = statistics.median(times[1:])
            medians.append(median)
            slow += median > 100
            print(f"{label:>36}: median {median:7.1f} ms, max {max(times[1:]):7.1f} ms")
            if args.plans:
                wanted = replace(
                    queries.search_filter(
                        catalog, status=query.status, service=query.service, q=None
                    ),
                    overdue_on=_today() if query.overdue else None,
                )
                async with reads() as session:
                    plan = await session.execute(
                        text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + _plan_sql(scope, wanted))
                    )
                    for (line,) in plan:
                        print(f"{'':>38}{line}")
        await engine.dispose()
        print(f"{len(cases) - slow}/{len(cases)} listings within 100 ms")
        if figures is not None:
            figures.update(slowest_ms=max(medians), within=len(cases) - slow, listings=len(cases))
        return 0 if slow == 0 else 1
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _today():  # type: ignore[no-untyped-def]
    from datetime import date

    return date(2026, 12, 1)


async def _page(reads, catalog, scope, query):  # type: ignore[no-untyped-def]
    async with reads() as session:
        page = await queries.list_page(session, catalog, scope, query, today=_today())
    return page.next_cursor


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-plans", dest="plans", action="store_false")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LOKET_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432"
        ),
    )
    args, _unknown = parser.parse_known_args()  # scripts/bench passes the same options to all
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
