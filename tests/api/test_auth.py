"""Bearer tokens: none, unknown, revoked or belonging to a deactivated operator → 401."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from app.db import unit_of_work
from app.operators import service as operators
from app.operators.models import ApiToken, Operator
from tests.support.clients import Api
from tests.support.factories import World

PATHS = [
    ("GET", "/api/v1/services"),
    ("GET", "/api/v1/requests"),
    ("GET", "/api/v1/requests/KTP-261120-0001"),
    ("POST", "/api/v1/requests/KTP-261120-0001/transitions"),
    ("POST", "/api/v1/requests/KTP-261120-0001/messages"),
    ("GET", "/api/v1/documents/1/content"),
]


@pytest.mark.parametrize(("method", "path"), PATHS)
async def test_every_call_needs_a_bearer_token(api: Api, world: World, method: str, path: str):
    response = await api.client.request(method, path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {
        "detail": "missing bearer token: send `Authorization: Bearer <token>`"
    }


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-real-token", "Bearer ", "Basic cm9vdDpzYW5kaQ==", "not-even-a-scheme"],
)
async def test_a_wrong_token_is_401(api: Api, world: World, header: str) -> None:
    response = await api.client.get("/api/v1/requests", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] in {
        "invalid or revoked token",
        "missing bearer token: send `Authorization: Bearer <token>`",
    }


async def test_a_revoked_token_is_401_and_others_keep_working(api: Api, world: World) -> None:
    async with unit_of_work(api.sessionmaker) as session:
        _, spare = await operators.issue_token(session, "kec_a")
        await operators.revoke_tokens(session, "kec_a", prefix=world.tokens["kec_a"][:12])
    response = await api.client.get("/api/v1/requests", headers=world.auth("kec_a"))
    assert response.status_code == 401
    assert response.json() == {"detail": "invalid or revoked token"}
    spare_auth = {"Authorization": f"Bearer {spare}"}
    assert (await api.client.get("/api/v1/requests", headers=spare_auth)).status_code == 200


async def test_a_deactivated_operator_is_401(api: Api, world: World) -> None:
    async with unit_of_work(api.sessionmaker) as session:
        await session.execute(
            update(Operator).where(Operator.username == "desa_a1").values(active=False)
        )
    response = await api.client.get("/api/v1/services", headers=world.auth("desa_a1"))
    assert response.status_code == 401


async def test_using_a_token_records_when(api: Api, world: World) -> None:
    response = await api.client.get("/api/v1/services", headers=world.auth("root"))
    assert response.status_code == 200
    async with api.sessionmaker() as session:
        used = (await session.execute(select(ApiToken.last_used_at))).scalars().all()
    assert sum(1 for at in used if at is not None) == 1


async def test_services_lists_the_catalog(api: Api, world: World) -> None:
    response = await api.client.get("/api/v1/services", headers=world.auth("desa_a1"))
    assert response.status_code == 200
    services = response.json()
    assert [s["code"] for s in services] == [s.code for s in api.runtime.catalog.ordered]
    ktp = next(s for s in services if s["code"] == "ktp")
    expected = api.runtime.catalog.get("ktp")
    assert ktp["name"] == {"id": expected.names.id, "en": expected.names.en}
    assert [v["code"] for v in ktp["variants"]] == ["baru", "hilang", "rusak", "perubahan",
                                                     "pindah_datang"]  # fmt: skip
    assert ktp["fields"][0] == {
        "key": "nik",
        "label": {"id": expected.fields[0].label.id, "en": expected.fields[0].label.en},
        "validator": "nik",
        "required": True,
    }
    kk = next(d for d in ktp["documents"] if d["key"] == "kk")
    spec = expected.document("kk")
    assert spec is not None
    assert kk == {
        "key": "kk",
        "label": {"id": spec.label.id, "en": spec.label.en},
        "kinds": list(spec.kinds),
        "min": spec.min,
        "max": spec.max,
    }
