"""Home delivery through the API: `courier` on the way out, the resident's code to complete."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy import select

from app.outbox.models import OutboundMessage
from app.requests.models import Request, RequestEvent
from tests.support.clients import Api
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0002"  # in_review at kec_a


@pytest.fixture
async def processing(api: Api, world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(secrets, "randbelow", lambda _: 123456)
    await seed_requests(api.sessionmaker, world)
    assert (await _move(api, world, to="processing")).status_code == 200
    return world


async def _move(api: Api, world: World, **body: Any):
    return await api.client.post(
        f"/api/v1/requests/{TICKET}/transitions", json=body, headers=world.auth("kec_a")
    )


async def _stored(api: Api) -> Request:
    async with api.sessionmaker() as session:
        stmt = select(Request).where(Request.ticket == TICKET)
        return (await session.execute(stmt)).scalar_one()


@pytest.mark.parametrize("courier", [None, {}, {"name": "  ", "tracking": ""}])
async def test_sending_out_without_a_courier_is_422_with_the_reason(
    api: Api, processing: World, courier: dict[str, str] | None
) -> None:
    body: dict[str, Any] = {"to": "out_for_delivery"}
    if courier is not None:
        body["courier"] = courier
    response = await _move(api, processing, **body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body"],
            "msg": "say who delivers: the courier's `courier.name` or a `courier.tracking` number",
            "type": "value_error",
            "input": None,
        }
    ]
    assert (await _stored(api)).status == "processing"


@pytest.mark.parametrize(
    "courier",
    [{"name": "x" * 201}, {"tracking": "x" * 101}, {"name": "Andi", "phone": "0812"}],
)
async def test_an_invalid_courier_is_422(
    api: Api, processing: World, courier: dict[str, str]
) -> None:
    response = await _move(api, processing, to="out_for_delivery", courier=courier)
    assert response.status_code == 422
    assert (await _stored(api)).status == "processing"


async def test_delivery_shows_the_courier_and_completes_only_with_the_code(
    api: Api, processing: World
) -> None:
    out = await _move(
        api,
        processing,
        to="out_for_delivery",
        courier={"name": "Andi", "tracking": "PI2612030042"},
    )
    assert out.status_code == 200, out.text
    assert (out.json()["status"], out.json()["courier"]) == (
        "out_for_delivery",
        {"name": "Andi", "tracking": "PI2612030042"},
    )
    listed = await api.client.get(
        "/api/v1/requests?status=out_for_delivery", headers=processing.auth("kec_a")
    )
    assert [(i["ticket"], i["courier"]) for i in listed.json()["items"]] == [
        (TICKET, {"name": "Andi", "tracking": "PI2612030042"})
    ]

    wrong = await _move(api, processing, to="completed", code="654321")
    assert (wrong.status_code, wrong.json()) == (409, {"detail": "wrong delivery code"})
    missing = await _move(api, processing, to="completed")
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["msg"] == (
        "completing a delivery needs the resident's delivery `code`"
    )
    assert (await _stored(api)).status == "out_for_delivery"

    done = await _move(api, processing, to="completed", code="123456")
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["courier"]) == (
        "completed",
        {"name": "Andi", "tracking": "PI2612030042"},
    )
    assert done.json()["history"][-1] | {"at": None} == {
        "at": None,
        "actor": "operator:kec_a",
        "from": "out_for_delivery",
        "to": "completed",
        "note": None,
        "kind": None,
    }
    async with api.sessionmaker() as session:
        stmt = select(RequestEvent).order_by(RequestEvent.id.desc()).limit(1)
        assert (await session.execute(stmt)).scalar_one().data == {"delivery_code": "verified"}
        origins = (await session.execute(select(OutboundMessage.origin))).scalars().all()
    assert "template:status:out_for_delivery" in origins  # the seeded resident wrote long ago


async def test_a_request_not_sent_out_shows_no_courier(api: Api, processing: World) -> None:
    response = await api.client.get(f"/api/v1/requests/{TICKET}", headers=processing.auth("kec_a"))
    assert response.json()["courier"] is None
