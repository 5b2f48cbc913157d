"""`POST /api/v1/requests/{ticket}/transitions`: moves, history, and each failure's answer."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from sqlalchemy import select

from app.requests.models import Request, RequestEvent
from tests.support.clients import Api
from tests.support.factories import World, seed_requests


@pytest.fixture
async def seeded(api: Api, world: World) -> World:
    await seed_requests(api.sessionmaker, world)
    return world


async def _move(api: Api, world: World, user: str, ticket: str, **body: Any):
    return await api.client.post(
        f"/api/v1/requests/{ticket}/transitions", json=body, headers=world.auth(user)
    )


async def _stored(api: Api, ticket: str) -> tuple[str, list[tuple[str, str | None, str | None]]]:
    async with api.sessionmaker() as session:
        request = (
            await session.execute(select(Request).where(Request.ticket == ticket))
        ).scalar_one()
        events = (
            await session.execute(
                select(RequestEvent)
                .where(RequestEvent.request_id == request.id)
                .order_by(RequestEvent.id)
            )
        ).scalars()
        return request.status, [(e.actor, e.from_status, e.to_status) for e in events]


async def test_a_move_is_recorded_and_returns_the_request(api: Api, seeded: World) -> None:
    response = await _move(
        api, seeded, "kec_a", "KTP-261120-0002", to="processing", note="berkas lengkap"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "processing"
    assert body["history"][-1] | {"at": None} == {
        "at": None,
        "actor": "operator:kec_a",
        "from": "in_review",
        "to": "processing",
        "note": "berkas lengkap",
        "kind": None,
    }
    assert await _stored(api, "KTP-261120-0002") == (
        "processing",
        [("resident", None, "in_review"), ("operator:kec_a", "in_review", "processing")],
    )


@pytest.mark.parametrize(
    ("ticket", "to", "reason"),
    [
        (
            "KTP-261120-0001",
            "completed",
            "a request in submitted cannot move to completed "
            "(allowed: cancelled, in_review, rejected)",
        ),
        (
            "KTP-261120-0005",
            "rejected",
            "the request is already completed; it cannot move to rejected",
        ),
        (
            "KTP-261120-0004",
            "in_review",
            "a request in collecting cannot move to in_review "
            "(allowed: cancelled, rejected, submitted)",
        ),
    ],
)
async def test_a_move_the_status_machine_refuses_is_409_with_the_reason(
    api: Api, seeded: World, ticket: str, to: str, reason: str
) -> None:
    before = await _stored(api, ticket)
    response = await _move(api, seeded, "root", ticket, to=to, note="x")
    assert response.status_code == 409
    assert response.json() == {"detail": reason}
    assert await _stored(api, ticket) == before


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"to": "rejected"}, "a rejection needs the reason in `note`"),
        ({"to": "rejected", "note": "   "}, "a rejection needs the reason in `note`"),
        ({"to": "needs_correction"}, "name the `documents` or `fields` the resident must correct"),
        ({"to": "needs_correction", "fields": ["warna_mata"]}, "fields not in this service"),
        ({"to": "needs_correction", "documents": [424242]}, "documents not in this request"),
    ],
)
async def test_a_move_missing_what_it_needs_is_422(
    api: Api, seeded: World, body: dict[str, Any], message: str
) -> None:
    response = await _move(api, seeded, "kec_a", "KTP-261120-0002", **body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body"]
    assert error["msg"].startswith(message)
    assert (await _stored(api, "KTP-261120-0002"))[0] == "in_review"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"to": "lost"},
        {"to": "processing", "colour": "red"},
        {"to": "needs_correction", "documents": [0]},
        {"to": "needs_correction", "documents": ["kk"]},
        {"to": "needs_correction", "fields": [""]},
        {"to": "rejected", "note": "x" * 2001},
        {"to": "rejected", "note": "nul \x00 byte"},
        {"to": "ready_for_pickup", "pickup": {"place": ""}},
        {"to": "completed", "code": ""},
    ],
)
async def test_an_invalid_body_is_422(api: Api, seeded: World, body: dict[str, Any]) -> None:
    response = await _move(api, seeded, "kec_a", "KTP-261120-0002", **body)
    assert response.status_code == 422
    assert (await _stored(api, "KTP-261120-0002"))[0] == "in_review"


async def test_a_correction_names_fields_of_the_service(api: Api, seeded: World) -> None:
    response = await _move(
        api,
        seeded,
        "kec_a",
        "KTP-261120-0002",
        to="needs_correction",
        fields=["nik"],
        note="NIK tidak terbaca",
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "needs_correction"


async def test_outside_the_scope_a_move_is_404_and_changes_nothing(api: Api, seeded: World):
    before = await _stored(api, "KTP-261120-0002")
    response = await _move(api, seeded, "desa_a1", "KTP-261120-0002", to="processing")
    assert response.status_code == 404
    assert response.json() == {"detail": "request not found"}
    assert await _stored(api, "KTP-261120-0002") == before
    unknown = await _move(api, seeded, "root", "KTP-261120-9999", to="processing")
    assert unknown.status_code == 404


async def test_pickup_is_completed_only_with_the_residents_code(
    api: Api, seeded: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secrets, "randbelow", lambda _: 123456)
    ticket = "KTP-261120-0002"
    assert (await _move(api, seeded, "kec_a", ticket, to="processing")).status_code == 200
    ready = await _move(
        api,
        seeded,
        "kec_a",
        ticket,
        to="ready_for_pickup",
        pickup={"place": "Kantor Desa A2", "hours": "Senin–Jumat 08.00–12.00"},
    )
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready_for_pickup"

    wrong = await _move(api, seeded, "kec_a", ticket, to="completed", code="654321")
    assert (wrong.status_code, wrong.json()) == (409, {"detail": "wrong pickup code"})
    missing = await _move(api, seeded, "kec_a", ticket, to="completed")
    assert missing.status_code == 422
    done = await _move(api, seeded, "kec_a", ticket, to="completed", code="123456")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["completed_at"] is not None
    status, history = await _stored(api, ticket)
    assert status == "completed"
    assert [to for _, _, to in history] == [
        "in_review",
        "processing",
        "ready_for_pickup",
        "completed",
    ]


@pytest.mark.parametrize(("content", "status"), [(b"not json", 422), (b"\xff\xfe{", 400)])
async def test_a_body_that_is_not_json_is_refused(
    api: Api, seeded: World, content: bytes, status: int
) -> None:
    response = await api.client.post(
        "/api/v1/requests/KTP-261120-0002/transitions",
        content=content,
        headers={**seeded.auth("kec_a"), "content-type": "application/json"},
    )
    assert response.status_code == status
