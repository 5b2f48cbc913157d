"""The resident named who collects their request (`PickupProxy`): store it on the request.

The engine has already told the resident; the domain (`app.requests.proxy`) checks the request
is theirs, open, and of a service that allows a proxy before it stores anything.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.flows.catalog import Catalog
from app.flows.events import PickupProxy
from app.requests import proxy
from app.residents.models import Resident


async def apply_pickup_proxy(
    session: AsyncSession,
    *,
    resident: Resident,
    event: PickupProxy,
    catalog: Catalog,
    now: datetime,
) -> bool:
    """Store the collector named in `event` (or clear it); True when the request changed."""
    return await proxy.name_collector(
        session,
        catalog=catalog,
        resident_id=resident.id,
        ticket=event.ticket,
        name=event.name,
        nik=event.nik,
        now=now,
    )
