"""The rows of an export: the queue's own listing query, walked page by page, then localized.

The export lists what the queue lists for the same filters (status, service, search, scope),
using `app.requests.listing.list_requests` and its cursor, plus an optional submission period.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.dashboard.presenter import applicant_of
from app.flows.catalog import Catalog
from app.offices import repository as offices
from app.operators.service import Scope
from app.reports import repository as reports
from app.reports.filters import Bounds
from app.requests import listing, queries
from app.requests.listing import Position, RequestFilter
from app.requests.masking import mask_identity_number
from app.requests.models import Request
from app.requests.status import RequestStatus
from app.residents.models import Resident

EXPORT_LIMIT = 50_000
PAGE_SIZE = 1_000


@dataclass(frozen=True)
class ExportQuery:
    """The queue's filters and a submission period.

    `status` may list several, comma-separated; `offices` is the chosen office's subtree (None:
    every office in scope); `bounds` limits the submission time.
    """

    status: str = ""
    service: str = ""
    q: str = ""
    offices: frozenset[int] | None = None
    bounds: Bounds = field(default_factory=Bounds)


@dataclass(frozen=True)
class ExportRow:
    """One request as exported; times are local (naive, for spreadsheets), NIK already masked."""

    ticket: str
    service: str
    variant: str | None
    status: str
    office: str | None
    channel: str
    submitted_at: datetime | None
    due_date: date | None
    completed_at: datetime | None
    on_time: bool | None
    trips: int | None  # visits to the office (app.reports.trips); None until completed
    name: str  # the name given in the answers (else the WhatsApp profile's)
    profile_name: str  # the WhatsApp profile's
    wa_id: str | None
    nik: str


def _filter(catalog: Catalog, query: ExportQuery) -> RequestFilter:
    """The queue's own filters (InvalidQuery if bad), limited to the chosen office's subtree."""
    shared = queries.search_filter(catalog, status=query.status, service=query.service, q=query.q)
    return replace(shared, offices=query.offices)


def _local(at: datetime | None, tz: ZoneInfo) -> datetime | None:
    return at.astimezone(tz).replace(tzinfo=None) if at is not None else None


def _row(
    request: Request,
    resident: Resident,
    office: str | None,
    nik_keys: tuple[str, ...],
    tz: ZoneInfo,
    collected: set[int],
) -> ExportRow:
    fields = request.fields or {}
    nik = next((str(fields[k]) for k in nik_keys if fields.get(k)), "")
    on_time = None
    if request.completed_at is not None and request.due_date is not None:
        on_time = request.completed_at.astimezone(tz).date() <= request.due_date
    trips = None
    if request.status == RequestStatus.COMPLETED.value:
        trips = reports.trips_of(request.channel, request.id in collected)
    return ExportRow(
        ticket=request.ticket,
        service=request.service_code,
        variant=request.variant,
        status=request.status,
        office=office,
        channel=request.channel,
        submitted_at=_local(request.submitted_at, tz),
        due_date=request.due_date,
        completed_at=_local(request.completed_at, tz),
        on_time=on_time,
        trips=trips,
        name=applicant_of(fields, resident.name).name,
        profile_name=resident.name or "",
        wa_id=resident.wa_id,
        nik=mask_identity_number(nik) if nik else "",
    )


async def export_rows(
    session: AsyncSession,
    catalog: Catalog,
    scope: Scope,
    query: ExportQuery,
    tz: ZoneInfo,
    *,
    limit: int = EXPORT_LIMIT,
) -> tuple[list[ExportRow], bool]:
    """Up to `limit` rows, newest first, and whether more matched (the export was cut).

    Loket creates a request when it is submitted, so `created_at` (the listing's order) equals
    `submitted_at`: the walk starts at the period's end and stops once it passes its start.
    """
    wanted = _filter(catalog, query)
    bounds = query.bounds
    after: Position | None = (bounds.end, 0) if bounds.end is not None else None
    codes: dict[int, str] = {}
    rows: list[ExportRow] = []
    while True:
        page = await listing.list_requests(session, scope, wanted, after=after, limit=PAGE_SIZE)
        missing = {r.office_id for r, _ in page if r.office_id is not None} - codes.keys()
        codes |= await offices.codes_by_id(session, sorted(missing))
        done = [r.id for r, _ in page if r.status == RequestStatus.COMPLETED.value]
        collected = await reports.collected_in_person(session, done)
        for request, resident in page:
            if bounds.holds(request.submitted_at):
                office = codes.get(request.office_id) if request.office_id is not None else None
                rows.append(_row(request, resident, office, wanted.nik_keys, tz, collected))
                if len(rows) > limit:
                    return rows[:limit], True
        _forget(session, page)
        if len(page) < PAGE_SIZE:
            return rows, False
        last = page[-1][0]
        if bounds.start is not None and last.created_at < bounds.start:
            return rows, False
        after = (last.created_at, last.id)


def _forget(session: AsyncSession, page: list[tuple[Request, Resident]]) -> None:
    """Drop a page's rows from the session: a long export must not keep 50 000 of them alive."""
    for request, resident in page:
        for row in (request, resident):
            if row in session:
                session.expunge(row)
