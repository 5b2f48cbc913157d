"""The API shows who may collect (NIK masked in lists, in full for one request) and takes
`collected_by` when completing a pickup."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select, update

from app.db import unit_of_work
from app.requests.models import Request, RequestEvent
from tests.support.clients import Api
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0002"
NIK = "7307054506900002"


async def test_collector_in_lists_and_in_full(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_requests(api.sessionmaker, world)
    async with unit_of_work(api.sessionmaker) as session:
        await session.execute(
            update(Request)
            .where(Request.ticket == TICKET)
            .values(service_code="kk", proxy_name="Rina Wati", proxy_nik=NIK)
        )
    headers = world.auth("kec_a")
    listed = await api.client.get("/api/v1/requests?q=" + TICKET, headers=headers)
    [item] = [i for i in listed.json()["items"] if i["ticket"] == TICKET]
    assert item["collector"] == {"name": "Rina Wati", "nik": "7307********0002"}
    one = await api.client.get(f"/api/v1/requests/{TICKET}", headers=headers)
    assert one.json()["collector"] == {"name": "Rina Wati", "nik": NIK}

    monkeypatch.setattr(secrets, "randbelow", lambda _: 123456)
    url = f"/api/v1/requests/{TICKET}/transitions"
    for to in ("processing", "ready_for_pickup"):
        moved = await api.client.post(url, json={"to": to}, headers=headers)
        assert moved.status_code == 200, moved.text
    wrong = await api.client.post(
        url,
        json={"to": "completed", "code": "123456", "collected_by": "neighbour"},
        headers=headers,
    )
    assert wrong.status_code == 422
    done = await api.client.post(
        url, json={"to": "completed", "code": "123456", "collected_by": "proxy"}, headers=headers
    )
    assert done.status_code == 200, done.text
    async with api.sessionmaker() as session:
        data = await session.scalar(select(RequestEvent.data).order_by(RequestEvent.id.desc()))
    assert data == {"pickup_code": "verified", "collected_by": "proxy"}
