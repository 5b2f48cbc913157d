"""The audit log, for admins: actions, document reads and operators' request history.

The route parses the query string into an `AuditFilter` (local dates become UTC bounds in the
office's timezone), asks `app.reports.audit_log` for one page within the admin's scope and
renders it. A malformed filter re-renders the page with the reason (422); anyone who is not an
admin gets the same 404 page as for anything else they may not see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction
from app.dashboard.audit_detail import detail_items
from app.dashboard.deps import (
    PREFIX,
    DbDep,
    LanguageDep,
    PageNotFound,
    RuntimeDep,
    ViewerDep,
    render,
)
from app.dashboard.presenter import presenter_for, usernames_in
from app.dashboard.texts import MESSAGES
from app.offices import repository as offices
from app.operators.models import OperatorRole
from app.operators.service import Scope
from app.reports.audit_log import (
    AuditFilter,
    Position,
    list_actions,
    list_document_reads,
    list_operator_history,
)
from app.requests import queries

router = APIRouter()

PAGE_SIZE = 50
TABS = ("actions", "documents", "history")
MAX_PARAM_LENGTH = 200
# The filters that carry over when the admin switches tabs (`action` is the actions tab's own).
SHARED_FILTERS = ("actor", "q", "from", "to")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_ID = 2**63 - 1  # a cursor's id must fit a BIGINT, or PostgreSQL refuses the query


class BadFilter(Exception):
    """A query parameter the page cannot use; `key` names the message shown to the admin."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class AuditQuery:
    """The page asked for: which log, narrowed how, starting after which row."""

    tab: str
    wanted: AuditFilter
    after: Position | None


def _local_day_start(value: str, tz: tzinfo, *, next_day: bool = False) -> datetime:
    """Midnight (UTC) starting the local day `value` (YYYY-MM-DD), or the day after it."""
    if not _DATE.match(value):
        raise BadFilter("audit_err_date")
    try:
        day = date.fromisoformat(value) + timedelta(days=1 if next_day else 0)
        return datetime.combine(day, time(), tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):
        raise BadFilter("audit_err_date") from None


def _cursor(value: str) -> Position:
    try:
        at, row_id = queries.decode_cursor(value)
        position = (at.astimezone(UTC), row_id)
    except (queries.InvalidQuery, OverflowError):
        raise BadFilter("audit_err_cursor") from None
    if not 0 < row_id <= _MAX_ID:
        raise BadFilter("audit_err_cursor")
    return position


def parse_query(raw: dict[str, str], tz: tzinfo) -> AuditQuery:
    """The page's query parameters (already stripped) as an AuditQuery; BadFilter otherwise."""
    if any(len(v) > MAX_PARAM_LENGTH or _CONTROL.search(v) for v in raw.values()):
        raise BadFilter("audit_err_text")
    tab = raw["tab"] or TABS[0]
    if tab not in TABS:
        raise BadFilter("audit_err_tab")
    action = raw["action"] or None
    if action is not None and action not in {a.value for a in AuditAction}:
        raise BadFilter("audit_err_action")
    since = _local_day_start(raw["from"], tz) if raw["from"] else None
    until = _local_day_start(raw["to"], tz, next_day=True) if raw["to"] else None
    if since is not None and until is not None and since >= until:
        raise BadFilter("audit_err_range")
    wanted = AuditFilter(
        actor=raw["actor"] or None,
        action=action if tab == "actions" else None,
        text=raw["q"] or None,
        since=since,
        until=until,
    )
    return AuditQuery(tab, wanted, _cursor(raw["cursor"]) if raw["cursor"] else None)


async def _page(
    db: AsyncSession, scope: Scope, query: AuditQuery
) -> tuple[list[Any], Position | None]:
    """One page of the asked log and where the next one starts (None: this is the last)."""
    lists: dict[str, Any] = {
        "actions": list_actions,
        "documents": list_document_reads,
        "history": list_operator_history,
    }
    found: list[Any] = await lists[query.tab](
        db, scope, query.wanted, after=query.after, limit=PAGE_SIZE + 1
    )
    rows = found[:PAGE_SIZE]
    more = len(found) > PAGE_SIZE
    return rows, (rows[-1].at, rows[-1].id) if more else None


def _url(params: dict[str, str]) -> str:
    kept = {k: v for k, v in params.items() if v}
    return f"{PREFIX}/audit" + (f"?{urlencode(kept)}" if kept else "")


def _labeller(lang: str) -> Any:
    """`label("audit_action_", "login")`: the translated name, or the raw value if it has none."""

    def label(prefix: str, value: str | None) -> str:
        if value is None:
            return ""
        key = f"{prefix}{value}"
        return MESSAGES.text(key, lang) if key in MESSAGES else value

    return label


@router.get("/audit")
async def audit_log(
    request: Request, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep, lang: LanguageDep
) -> Response:
    """Admins only: one page of one log within the admin's offices, newest first."""
    if viewer.operator.role != OperatorRole.ADMIN:
        raise PageNotFound
    names = ("tab", "actor", "action", "q", "from", "to", "cursor")
    raw = {name: (request.query_params.get(name) or "").strip() for name in names}
    rows: list[Any] = []
    next_position: Position | None = None
    error, code = None, 200
    try:
        query = parse_query(raw, runtime.settings.tz)
        rows, next_position = await _page(db, viewer.scope, query)
        tab = query.tab
    except BadFilter as exc:
        error, code = exc.key, 422
        tab = raw["tab"] if raw["tab"] in TABS else TABS[0]
    shared = {name: raw[name] for name in SHARED_FILTERS}
    own = shared | {"tab": tab, "action": raw["action"] if tab == "actions" else ""}
    next_url = None
    if next_position is not None:
        next_url = _url(own | {"cursor": queries.encode_cursor(next_position)})
    p = await presenter_for(
        db, runtime.catalog, lang, runtime.settings.tz, usernames_in(row.actor for row in rows)
    )
    office_names = {office.id: office.name for office in await offices.all_offices(db)}
    context = {
        "operator": viewer.operator,
        "p": p,
        "tab": tab,
        "tabs": {name: _url(shared | {"tab": name}) for name in TABS},
        "filters": raw,
        "actions": [a.value for a in AuditAction],
        "rows": rows,
        "next_url": next_url,
        "first_url": _url(own) if raw["cursor"] else None,
        "error": error,
        "label": _labeller(lang),
        "detail_items": lambda detail: detail_items(detail, p, office_names),
        "access_reason": lambda reason: _labeller(lang)("access_reason_", reason),
    }
    return render(request, "audit.html", lang, context, status_code=code)
