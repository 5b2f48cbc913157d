"""How a request's result reaches the resident, and changing it before processing starts.

The resident chooses at the summary (`app/flows/delivery_choice.py`); the catalog says which ways
a service offers. Until the office starts processing, the resident may change it in the chat:
`change_delivery` checks the request is theirs, still changeable and the way offered, stores
it and writes a history row the operator sees.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.flows.catalog import Catalog
from app.requests import repository
from app.requests.models import DELIVERY_ADDRESS_KEY, EVENT_DELIVERY, Request, RequestEvent
from app.requests.status import RequestStatus

log = structlog.get_logger(__name__)
S = RequestStatus
# Before processing the office has not committed to a way of handing the result over.
CHANGEABLE = frozenset({S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CORRECTION})


def offered(catalog: Catalog, service_code: str) -> tuple[str, ...]:
    """The ways the service's catalog offers (pickup alone for a service it does not know)."""
    service = catalog.services.get(service_code)
    return tuple(service.delivery.ways) if service else ("pickup",)


def change_error(catalog: Catalog, request: Request, way: str) -> str | None:
    """Why `request` cannot be delivered `way` from now on, or None when it can."""
    if way not in offered(catalog, request.service_code):
        ways = ", ".join(offered(catalog, request.service_code))
        return f"{request.service_code} is delivered only by: {ways}"
    if RequestStatus(request.status) not in CHANGEABLE:
        return f"a request in {request.status} can no longer change how it is delivered"
    return None


async def change_delivery(
    session: AsyncSession,
    *,
    catalog: Catalog,
    resident_id: int,
    ticket: str,
    way: str,
    actor: str,
    now: datetime,
    address: str | None = None,
) -> bool:
    """Deliver request `ticket` of the resident `way` from now on (to `address`, for a home
    delivery of a request without one); True when it changed."""
    request = await repository.get_by_ticket(session, ticket)
    if request is None or request.resident_id != resident_id or request.delivery == way:
        return False
    error = change_error(catalog, request, way)
    if error is not None:
        # The engine checked against the status it was shown; an operator moved it since.
        log.warning("delivery change refused", ticket=ticket, reason=error)
        return False
    session.add(
        RequestEvent(
            request_id=request.id,
            at=now,
            actor=actor,
            data={"kind": EVENT_DELIVERY, "from": request.delivery, "to": way},
        )
    )
    request.delivery = way
    if address:
        request.fields = {**(request.fields or {}), DELIVERY_ADDRESS_KEY: address}
    request.updated_at = now
    await session.flush()
    return True
