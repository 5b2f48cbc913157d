"""The figures page (charts) and the CSV/XLSX export.

Both are scoped like the queue: an operator sees figures and exports only for the requests
their offices can see. A filter that cannot be used gives its page again with the reason and
status 422; every export is written to the audit log (its own short transaction: the rows are
read in the page's read-only session, so a large export holds no write lock).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from app.audit.service import AuditAction, record
from app.dashboard import export, export_rows
from app.dashboard.charts import chart_data, decimal, percent, trip_share
from app.dashboard.deps import DbDep, LanguageDep, RuntimeDep, ViewerDep, client_ip, render
from app.dashboard.export_rows import ExportQuery
from app.dashboard.i18n import translate
from app.dashboard.presenter import Presenter
from app.db import unit_of_work
from app.offices import repository as offices
from app.operators.service import Viewer
from app.reports import figures
from app.reports.filters import (
    FilterError,
    office_subtree,
    parse_bounds,
    parse_office,
    parse_period,
)
from app.reports.repository import Narrowing
from app.requests import queries
from app.runtime import Runtime

router = APIRouter()

FIGURE_FILTERS = ("from", "to", "office", "service")
EXPORT_FILTERS = ("status", "service", "office", "q", "from", "to")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _query(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    """The named query parameters, trimmed and bounded like the queue's."""
    return {name: (request.query_params.get(name) or "").strip()[:200] for name in names}


def _storable(raw: dict[str, str]) -> None:
    """A NUL character cannot be compared in PostgreSQL: such a filter names nothing real."""
    if any("\x00" in value for value in raw.values()):
        raise FilterError("bad_filter")


@router.get("/figures")
async def figures_page(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """Requests per day, turnaround, on-time and first-review shares, IKM, trips to the office:
    charts and tables."""
    raw = _query(request, FIGURE_FILTERS)
    tz = runtime.settings.tz
    names = {service.code: service.names.get(lang) for service in runtime.catalog.ordered}
    context: dict[str, Any] = {"operator": viewer.operator, "filters": raw, "error": None}
    try:
        _storable(raw)
        period = parse_period(raw["from"], raw["to"], tz, datetime.now(tz).date())
        office = await parse_office(db, viewer.scope, raw["office"])
        if raw["service"] and raw["service"] not in names:
            raise FilterError("fig_err_service")
    except FilterError as exc:
        context |= {"error": exc.key, "figures": None}
        status_code = 422
    else:
        subtree = await office_subtree(db, office)
        narrowing = Narrowing(viewer.scope, subtree, raw["service"] or None)
        found = await figures.compute(
            db, narrowing, period, names, unknown_office=translate("fig_unknown_office", lang)
        )
        raw |= {"from": period.first.isoformat(), "to": period.last.isoformat()}
        kept = {k: raw[k] for k in ("from", "to", "office", "service") if raw[k]}
        context |= {
            "figures": found,
            "charts": chart_data(found, names, lang),
            "export_query": urlencode(kept),
        }
        status_code = 200
    all_offices = await offices.all_offices(db)
    context |= {
        "offices": [o for o in all_offices if viewer.scope is None or o.id in viewer.scope],
        "services": runtime.catalog.ordered,
        "service_names": names,
        "num": lambda value, places=1: decimal(value, lang, places),
        "pct": lambda share: percent(share, lang),
        "share": lambda trips, n: trip_share(trips, n, lang),
    }
    return render(request, "figures.html", lang, context, status_code=status_code)


async def _export_rows(
    request: Request, viewer: Viewer, db: AsyncSession, runtime: Runtime, lang: str, kind: str
) -> tuple[list[list[export.Cell]], str | None] | Response:
    """The rows to write, audited; or the error page for a filter that cannot be used."""
    raw = _query(request, EXPORT_FILTERS)
    try:
        _storable(raw)
        bounds = parse_bounds(raw["from"], raw["to"], runtime.settings.tz)
        office = await parse_office(db, viewer.scope, raw["office"])
        subtree = await office_subtree(db, office)
        query = ExportQuery(raw["status"], raw["service"], raw["q"], subtree, bounds)
        limit = export_rows.EXPORT_LIMIT  # read now: tests lower it
        rows, cut = await export_rows.export_rows(
            db, runtime.catalog, viewer.scope, query, runtime.settings.tz, limit=limit
        )
    except (FilterError, queries.InvalidQuery) as exc:
        body = exc.key if isinstance(exc, FilterError) else "bad_filter"
        context = {"operator": viewer.operator, "title": "export_bad_filter_title", "body": body}
        return render(request, "message.html", lang, context, status_code=422)
    # The rows were read in the page's read-only session (no write lock, however many rows);
    # the audit row is a short transaction of its own, committed before anything is sent.
    async with unit_of_work(runtime.sessionmaker) as audit:
        record(
            audit,
            actor=viewer.actor,
            action=AuditAction.EXPORT,
            target=kind,
            office_id=viewer.operator.office_id,
            ip=client_ip(request),
            detail={"filters": {k: v for k, v in raw.items() if v}, "rows": len(rows), "cut": cut},
        )
    note = None
    if cut:
        count = f"{limit:,}".replace(",", "." if lang != "en" else ",")
        note = translate("export_truncated", lang).format(limit=count)
    p = Presenter(runtime.catalog, lang, runtime.settings.tz)
    return [export.cells(row, p) for row in rows], note


def _attachment(runtime: Runtime, suffix: str) -> dict[str, str]:
    today = datetime.now(runtime.settings.tz).date()
    return {
        "Content-Disposition": f'attachment; filename="loket-permohonan-{today:%Y%m%d}.{suffix}"',
        "Cache-Control": "private, no-store",
    }


@router.get("/export.csv")
async def export_csv(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """The queue's requests for the same filters (and a submission period) as CSV for Excel."""
    found = await _export_rows(request, viewer, db, runtime, lang, "csv")
    if isinstance(found, Response):
        return found
    rows, note = found
    chunks = export.csv_chunks(export.header(lang), rows, note)
    return StreamingResponse(chunks, media_type=CSV_TYPE, headers=_attachment(runtime, "csv"))


@router.get("/export.xlsx")
async def export_xlsx(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """The same list as the CSV, as an Excel workbook with real dates."""
    found = await _export_rows(request, viewer, db, runtime, lang, "xlsx")
    if isinstance(found, Response):
        return found
    rows, note = found
    title = translate("export_sheet", lang)
    # Building a large workbook is CPU work: keep it off the event loop.
    content = await run_in_threadpool(export.xlsx_bytes, title, export.header(lang), rows, note)
    return Response(content, media_type=XLSX_TYPE, headers=_attachment(runtime, "xlsx"))
