"""Who collects a pickup: the resident, or the family member (same KK) they named in the chat.

The conversation engine asks the name and NIK and emits `PickupProxy`; `name_collector` stores
them on the request when the request is this resident's, still open, and of a service whose
catalog allows a proxy (`pickup_proxy: true`), with a history row (the name in its note, which
retention removes with the other notes). At the counter the operator records who collected:
`collected_by` is "resident" or "proxy" (only when someone was named), kept in the completion's
history data; the name itself stays on the request, so retention clears it in one place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.flows.catalog import Catalog
from app.notifications.catalog import text
from app.requests import repository
from app.requests.models import EVENT_PROXY, Request, RequestEvent
from app.requests.status import FINAL

log = structlog.get_logger(__name__)

RESIDENT_ACTOR = "resident"
Collector = Literal["resident", "proxy"]
COLLECTORS: tuple[Collector, ...] = ("resident", "proxy")


def allows_proxy(catalog: Catalog, service_code: str) -> bool:
    """True when the service's catalog lets a family member collect (`pickup_proxy: true`)."""
    service = catalog.services.get(service_code)
    return bool(service and service.pickup_proxy)


async def name_collector(
    session: AsyncSession,
    *,
    catalog: Catalog,
    resident_id: int,
    ticket: str,
    name: str | None,
    nik: str | None,
    now: datetime,
) -> bool:
    """Store (or, with no name, clear) who collects request `ticket`; True when stored."""
    request = await repository.get_by_ticket(session, ticket)
    if (
        request is None
        or request.resident_id != resident_id
        or request.status in {s.value for s in FINAL}
        or request.redacted_at is not None
        or (name is not None and not allows_proxy(catalog, request.service_code))
    ):
        log.info("collector not stored", ticket=ticket)
        return False
    if name is None and request.proxy_name is None:
        return False
    request.proxy_name, request.proxy_nik = name, nik if name else None
    session.add(
        RequestEvent(
            request_id=request.id,
            at=now,
            actor=RESIDENT_ACTOR,
            note=name,
            data={"kind": EVENT_PROXY, "cleared": name is None},
        )
    )
    await session.flush()
    return True


def collected_by(request: Request, chosen: str | None) -> Collector | None:
    """Who collected, as the operator ticked it: the resident unless the named person did;
    None for a choice the request does not allow (`proxy` when nobody was named)."""
    if chosen in (None, "", "resident"):
        return "resident"
    if chosen == "proxy" and request.proxy_name:
        return "proxy"
    return None


def line(request: Request, language: str) -> str:
    """The line of the ready message that names the collector ("" when nobody was named)."""
    return text("proxy_line", language, name=request.proxy_name) if request.proxy_name else ""
