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

from app.bot import messages
from app.config import Settings
from app.flows.catalog import Catalog
from app.notifications.catalog import text
from app.outbox import delivery
from app.requests import home_delivery, repository
from app.requests.models import DELIVERY_ADDRESS_KEY, EVENT_DELIVERY, Request, RequestEvent
from app.requests.status import RequestStatus
from app.residents.models import Resident

log = structlog.get_logger(__name__)
S = RequestStatus
WAYS = ("pickup", "digital", "home")
# Before processing the office has not committed to a way of handing the result over.
CHANGEABLE = frozenset({S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CORRECTION})


class DeliveryRefused(Exception):
    """An operator's change that cannot be made; `key` names the form error shown beside it."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


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
    """The resident's change: deliver request `ticket` `way` from now on (to `address`, for a
    home delivery of a request without one); True when it changed."""
    request = await repository.get_by_ticket(session, ticket)
    if request is None or request.resident_id != resident_id or request.delivery == way:
        return False
    error = change_error(catalog, request, way)
    if error is not None:
        # The engine checked against the status it was shown; an operator moved it since.
        log.warning("delivery change refused", ticket=ticket, reason=error)
        return False
    await _apply(session, request, way, address, actor=actor, now=now)
    return True


async def operator_change(
    session: AsyncSession,
    *,
    catalog: Catalog,
    settings: Settings,
    request: Request,
    way: str,
    address: str | None,
    actor: str,
    now: datetime,
) -> None:
    """An operator changes the way for the resident (who asked at the counter or by phone), and
    the resident is told. Raises `DeliveryRefused` with the reason key of a form error."""
    address = " ".join((address or "").split())[:300] or None
    if way not in WAYS:
        raise DeliveryRefused("err_delivery_way")
    if change_error(catalog, request, way) is not None:
        changeable = RequestStatus(request.status) in CHANGEABLE
        raise DeliveryRefused("err_delivery_offered" if changeable else "err_delivery_late")
    service = catalog.services.get(request.service_code)
    needs_address = way == "home" and home_delivery.delivery_address(request, service) is None
    if needs_address and address is None:
        raise DeliveryRefused("err_delivery_address")
    if request.delivery == way and address is None:
        return
    await _apply(session, request, way, address if way == "home" else None, actor=actor, now=now)
    resident = await session.get(Resident, request.resident_id)
    if resident is None:
        return
    language = resident.language
    shown = home_delivery.delivery_address(request, service) or ""
    told = text(
        "delivery_changed",
        language,
        service=service.names.get(language) if service else request.service_code,
        ticket=request.ticket,
        way=text(f"delivery_way_{way}", language, address=shown),
    )
    await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=messages.text(told),
        ticket=request.ticket,
        now=now,
        origin="delivery_changed",
    )


async def _apply(
    session: AsyncSession,
    request: Request,
    way: str,
    address: str | None,
    *,
    actor: str,
    now: datetime,
) -> None:
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
