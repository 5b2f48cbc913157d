"""Moving a request through its statuses as an operator would, and what Loket sent about it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.db import unit_of_work
from app.requests import lifecycle
from app.requests.status import RequestStatus as S
from tests.support.loket import Loket

OUTSIDE = timedelta(hours=30)


async def move(loket: Loket, ticket: str, to: S, **kwargs) -> None:
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        from app.requests.repository import get_by_ticket

        request = await get_by_ticket(session, ticket)
        assert request is not None
        await lifecycle.apply_transition(
            session,
            catalog=loket.runtime.catalog,
            settings=loket.runtime.settings,
            request=request,
            to=to,
            actor="operator:budi",
            note=kwargs.pop("note", None),
            now=datetime.now(UTC),
            **kwargs,
        )


def sent(loket: Loket) -> list[dict]:
    return [r.json for r in loket.graph.message_requests]
