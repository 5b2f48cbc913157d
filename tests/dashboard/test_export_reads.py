"""Pages and exports read without the write lock: a webhook commits while an export reads."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from starlette.requests import HTTPConnection

from app.bot.payloads import parse_webhook
from app.dashboard import export_rows
from app.dashboard.export_rows import ExportQuery
from app.deps import reads_only
from app.inbox.models import InboundEvent
from app.runtime import Runtime
from tests.support.clients import Dashboard
from tests.support.factories import World
from tests.support.figures_seed import seed_figures

WA_ID = "6281377700001"


def _delivery(wamid: str) -> dict[str, object]:
    message = {
        "from": WA_ID,
        "id": wamid,
        "timestamp": "1764720000",
        "type": "text",
        "text": {"body": "halo"},
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": "1"},
        "contacts": [{"profile": {"name": "Warga"}, "wa_id": WA_ID}],
        "messages": [message],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"changes": [{"field": "messages", "value": value}]}],
    }


async def _inbox_count(runtime: Runtime) -> int:
    async with runtime.read_sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(InboundEvent)) or 0)


async def test_a_webhook_commits_while_an_export_holds_its_read_transaction(
    dash: Dashboard, world: World
) -> None:
    await seed_figures(dash.sessionmaker, world)
    runtime: Runtime = dash.app.state.runtime
    before = await _inbox_count(runtime)
    parsed = parse_webhook(_delivery("wamid.READWHILEEXPORT"), phone_number_id=None)
    async with runtime.read_sessionmaker() as db:
        rows, cut = await export_rows.export_rows(
            db, runtime.catalog, None, ExportQuery(), runtime.settings.tz
        )
        assert (len(rows), cut) == (11, False)
        seen = await db.scalar(select(func.count()).select_from(InboundEvent))
        assert db.in_transaction()
        url = make_url(runtime.settings.database_url)
        if url.get_backend_name() == "sqlite":
            # No lock is held: a writer that may not wait at all still gets the write lock.
            probe = sqlite3.connect(str(url.database), timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
            finally:
                probe.close()
        # The webhook's group commit, on another connection, while the export's transaction is open.
        outcome = await runtime.ingest.submit(parsed.updates)
        assert (outcome.stored, outcome.duplicates) == (1, 0)
        if url.get_backend_name() == "sqlite":
            # Still the export's snapshot: its transaction stayed open across that commit.
            assert await db.scalar(select(func.count()).select_from(InboundEvent)) == seen
    assert await _inbox_count(runtime) == before + 1


async def test_a_read_only_session_refuses_a_write(dash: Dashboard) -> None:
    runtime: Runtime = dash.app.state.runtime
    async with runtime.read_sessionmaker() as db:
        with pytest.raises(DBAPIError) as refused:
            await db.execute(text("UPDATE resident SET name = name"))
    message = str(refused.value.orig)
    assert (
        "attempt to write a readonly database" in message
        or "cannot execute UPDATE in a read-only transaction" in message
    ), message
    # The connection went back to the pool able to write again.
    async with runtime.sessionmaker() as db, db.begin():
        await db.execute(text("UPDATE resident SET name = name"))


def _route(method: str, endpoint: object) -> HTTPConnection:
    return HTTPConnection({"type": "http", "method": method, "endpoint": endpoint})


def test_only_plain_gets_read_only() -> None:
    from app.api.router import download_document, list_requests
    from app.dashboard.figures_routes import export_csv, export_xlsx
    from app.dashboard.router import document_content, queue

    decided = {
        name: reads_only(_route(method, endpoint))
        for name, method, endpoint in [
            ("queue", "GET", queue),
            ("export.csv", "GET", export_csv),
            ("export.xlsx", "GET", export_xlsx),
            ("api list", "GET", list_requests),
            ("api list HEAD", "HEAD", list_requests),
            ("dashboard document", "GET", document_content),
            ("api document", "GET", download_document),
            ("post", "POST", queue),
        ]
    }
    assert decided == {
        "queue": True,
        "export.csv": True,
        "export.xlsx": True,
        "api list": True,
        "api list HEAD": True,
        "dashboard document": False,
        "api document": False,
        "post": False,
    }
