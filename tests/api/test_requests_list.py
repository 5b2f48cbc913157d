"""`GET /api/v1/requests`: scope, filters, search, pagination and masking, with exact results."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update

from app.db import unit_of_work
from app.operators.models import Operator
from app.requests.models import Request
from tests.support.clients import Api
from tests.support.factories import World, seed_requests


async def _tickets(api: Api, world: World, user: str, **params: Any) -> list[str]:
    response = await api.client.get("/api/v1/requests", params=params, headers=world.auth(user))
    assert response.status_code == 200, response.text
    return [item["ticket"] for item in response.json()["items"]]


@pytest.fixture
async def seeded(api: Api, world: World) -> World:
    await seed_requests(api.sessionmaker, world)
    return world


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (
            "root",
            [
                "KTP-261120-0005",
                "AKTA-261120-0001",
                "KTP-261120-0003",
                "KK-261120-0001",
                "KTP-261120-0002",
                "KTP-261120-0001",
            ],
        ),
        (
            "kab",
            [
                "KTP-261120-0005",
                "KTP-261120-0003",
                "KK-261120-0001",
                "KTP-261120-0002",
                "KTP-261120-0001",
            ],
        ),
        ("kec_a", ["KK-261120-0001", "KTP-261120-0002", "KTP-261120-0001"]),
        ("desa_a1", ["KTP-261120-0001"]),
        ("desa_b1", ["KTP-261120-0003"]),
    ],
)
async def test_each_operator_lists_only_their_offices_newest_first(
    api: Api, seeded: World, user: str, expected: list[str]
) -> None:
    assert await _tickets(api, seeded, user) == expected


async def test_collecting_requests_are_listed_only_when_asked_for(api: Api, seeded: World):
    assert await _tickets(api, seeded, "desa_a1", status="collecting") == ["KTP-261120-0004"]
    assert await _tickets(api, seeded, "desa_a1", status="submitted, collecting") == [
        "KTP-261120-0004",
        "KTP-261120-0001",
    ]
    assert await _tickets(api, seeded, "root", status="in_review,completed") == [
        "KTP-261120-0005",
        "KTP-261120-0002",
    ]
    assert await _tickets(api, seeded, "root", status="") == await _tickets(api, seeded, "root")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"service": "kk"}, ["KK-261120-0001"]),
        ({"service": "nope"}, []),
        ({"office": "KEC-A"}, ["KK-261120-0001", "KTP-261120-0002", "KTP-261120-0001"]),
        ({"office": "DESA-A2"}, ["KTP-261120-0002"]),
        ({"office": "NOPE"}, []),
        ({"resident": "6289900000002"}, ["KTP-261120-0002"]),
        ({"resident": "ID.4f2a9c"}, ["KTP-261120-0002"]),
        ({"resident": "628990000000"}, []),  # exact only
        ({"q": "261120-0002"}, ["KTP-261120-0002"]),  # ticket
        ({"q": "kk-2611"}, ["KK-261120-0001"]),  # ticket, any case
        ({"q": "siti"}, ["KTP-261120-0005", "KK-261120-0001", "KTP-261120-0001"]),  # name
        ({"q": "0899 0000 0002"}, ["KTP-261120-0002"]),  # phone as typed locally
        ({"q": "+62 899-0000-0003"}, ["AKTA-261120-0001", "KTP-261120-0003"]),
        ({"q": "3202034107920002"}, ["AKTA-261120-0001", "KTP-261120-0003"]),  # NIK fields
        ({"q": "nobody"}, []),
        (
            {"q": "KTP", "service": "ktp", "status": "submitted", "office": "KAB"},
            ["KTP-261120-0003", "KTP-261120-0001"],
        ),
    ],
)
async def test_filters_and_search(
    api: Api, seeded: World, params: dict[str, str], expected: list[str]
) -> None:
    assert await _tickets(api, seeded, "root", **params) == expected


async def test_filters_never_widen_the_scope(api: Api, seeded: World) -> None:
    assert await _tickets(api, seeded, "desa_b1", office="KEC-A") == []
    assert await _tickets(api, seeded, "desa_b1", q="siti") == []
    assert await _tickets(api, seeded, "kec_a", resident="6289900000003") == []


async def test_pages_follow_the_cursor_to_the_end(api: Api, seeded: World) -> None:
    seen: list[list[str]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 4 if not seen else 2}
        if cursor:
            params["cursor"] = cursor
        response = await api.client.get(
            "/api/v1/requests", params=params, headers=seeded.auth("root")
        )
        body = response.json()
        seen.append([item["ticket"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [
        ["KTP-261120-0005", "AKTA-261120-0001", "KTP-261120-0003", "KK-261120-0001"],
        ["KTP-261120-0002", "KTP-261120-0001"],
    ]
    exact = await api.client.get(
        "/api/v1/requests", params={"limit": 6}, headers=seeded.auth("root")
    )
    assert exact.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"limit": 201}, ["query", "limit"]),
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": "many"}, ["query", "limit"]),
        ({"cursor": "not-a-cursor"}, ["query", "cursor"]),
        ({"cursor": "WyJ4IiwxXQ"}, ["query", "cursor"]),  # ["x",1]
        ({"cursor": "WyIyMDI2LTExLTIwVDAxOjAwOjAwIiwxXQ"}, ["query", "cursor"]),  # naive time
        ({"status": "submitted,lost"}, ["query", "status"]),
        ({"q": "x" * 201}, ["query", "q"]),
        ({"q": "a\x00b"}, ["query", "q"]),
    ],
)
async def test_bad_parameters_are_422(
    api: Api, seeded: World, params: dict[str, Any], where: list[str]
) -> None:
    response = await api.client.get("/api/v1/requests", params=params, headers=seeded.auth("root"))
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [where]


async def test_limit_200_is_allowed(api: Api, seeded: World) -> None:
    assert len(await _tickets(api, seeded, "root", limit=200)) == 6


async def test_items_carry_the_request_but_mask_identity_numbers(api: Api, seeded: World):
    response = await api.client.get(
        "/api/v1/requests", params={"q": "KTP-261120-0001"}, headers=seeded.auth("desa_a1")
    )
    (item,) = response.json()["items"]
    assert "history" not in item
    assert item["fields"] == {
        "nik": "3201********0003",
        "nama": "Siti Aminah",
        "tanggal_lahir": "****-**-**",
        "no_kk": "3201********0007",
        "alamat": "Jl. Melati 3",
    }
    assert item["resident"] == {"wa_id": "6289900000001", "user_id": None, "name": "Siti Aminah"}
    assert {k: item[k] for k in ("ticket", "service", "variant", "status", "office")} == {
        "ticket": "KTP-261120-0001",
        "service": "ktp",
        "variant": "baru",
        "status": "submitted",
        "office": "DESA-A1",
    }
    assert item["created_at"] == "2026-11-20T01:01:00Z"
    assert item["documents"] == []
    akta = (
        await api.client.get(
            "/api/v1/requests", params={"service": "akta_kelahiran"}, headers=seeded.auth("root")
        )
    ).json()["items"][0]
    assert akta["fields"]["nik_pelapor"] == "3202********0002"
    assert akta["office"] is None


async def test_assigned_and_overdue_filters(api: Api, seeded: World) -> None:
    async with unit_of_work(api.sessionmaker) as session:
        kec_a = (
            await session.execute(select(Operator.id).where(Operator.username == "kec_a"))
        ).scalar_one()
        await session.execute(
            update(Request)
            .where(Request.ticket == "KK-261120-0001")
            .values(assigned_operator_id=kec_a)
        )
        await session.execute(
            update(Request)
            .where(Request.ticket.in_(["KTP-261120-0002", "KTP-261120-0005"]))
            .values(due_date=date(2020, 1, 1))
        )
    assert await _tickets(api, seeded, "kec_a", assigned="me") == ["KK-261120-0001"]
    assert await _tickets(api, seeded, "root", assigned="kec_a") == ["KK-261120-0001"]
    assert await _tickets(api, seeded, "kec_a", assigned="none") == [
        "KTP-261120-0002",
        "KTP-261120-0001",
    ]
    # A completed request is never overdue.
    assert await _tickets(api, seeded, "root", overdue="true") == ["KTP-261120-0002"]
    listed = await api.client.get(
        "/api/v1/requests", params={"assigned": "me"}, headers=seeded.auth("kec_a")
    )
    assert listed.json()["items"][0]["assigned_to"] == "kec_a"
    unknown = await api.client.get(
        "/api/v1/requests", params={"assigned": "siapa"}, headers=seeded.auth("kec_a")
    )
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["query", "assigned"]
