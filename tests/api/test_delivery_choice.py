"""The API shows how the result reaches the resident (`delivery`), in lists and for one
request, and the resident's change of it as a history entry."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from app.db import unit_of_work
from app.flows.catalog import shipped_catalog
from app.requests import delivery_way
from app.requests.models import Request
from tests.support.clients import Api
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0002"


async def test_delivery_in_lists_in_full_and_its_change_in_the_history(
    api: Api, world: World
) -> None:
    await seed_requests(api.sessionmaker, world)
    async with unit_of_work(api.sessionmaker) as session:
        await session.execute(
            update(Request).where(Request.ticket == TICKET).values(service_code="kk")
        )
        request = (
            await session.execute(select(Request).where(Request.ticket == TICKET))
        ).scalar_one()
        assert await delivery_way.change_delivery(
            session,
            catalog=shipped_catalog(),
            resident_id=request.resident_id,
            ticket=TICKET,
            way="digital",
            actor="resident",
            now=datetime(2026, 11, 21, 2, tzinfo=UTC),
        )
    headers = world.auth("kec_a")
    listed = await api.client.get("/api/v1/requests?q=" + TICKET, headers=headers)
    [item] = [i for i in listed.json()["items"] if i["ticket"] == TICKET]
    assert item["delivery"] == "digital"
    one = (await api.client.get(f"/api/v1/requests/{TICKET}", headers=headers)).json()
    assert one["delivery"] == "digital"
    assert one["history"][-1] == {
        "at": "2026-11-21T02:00:00Z",
        "actor": "resident",
        "from": None,
        "to": None,
        "note": None,
        "kind": "delivery",
    }
