"""`GET /api/v1/requests/{ticket}`: the whole request, identity numbers in full, scope by 404."""

from __future__ import annotations

import pytest

from app.db import unit_of_work
from app.requests.models import Request
from app.residents.models import Resident
from tests.support.clients import Api
from tests.support.factories import World, add_document, seed_requests

KK_PHOTO = b"\xff\xd8\xff kartu keluarga"


@pytest.fixture
async def seeded(api: Api, world: World) -> World:
    requests = await seed_requests(api.sessionmaker, world)
    async with unit_of_work(api.sessionmaker) as session:
        request = await session.get(Request, requests["KTP-261120-0001"].id)
        assert request is not None
        siti = await session.get(Resident, request.resident_id)
        assert siti is not None
        await add_document(
            session,
            api.runtime.store,
            resident=siti,
            requirement="kk",
            content=KK_PHOTO,
            attach_to=request,
        )
    return world


async def test_the_single_request_is_complete(api: Api, seeded: World) -> None:
    response = await api.client.get(
        "/api/v1/requests/KTP-261120-0001", headers=seeded.auth("desa_a1")
    )
    assert response.status_code == 200
    body = response.json()
    document = body["documents"][0]
    assert body == {
        "ticket": "KTP-261120-0001",
        "service": "ktp",
        "variant": "baru",
        "status": "submitted",
        "resident": {"wa_id": "6289900000001", "user_id": None, "name": "Siti Aminah"},
        "fields": {
            "nik": "3201014508900003",
            "nama": "Siti Aminah",
            "tanggal_lahir": "1990-08-05",
            "no_kk": "3201012208150007",
            "alamat": "Jl. Melati 3",
        },
        "warnings": [],
        "documents": [
            {
                "id": document["id"],
                "requirement": "kk",
                "mime_type": "image/jpeg",
                "size": len(KK_PHOTO),
                "sha256": document["sha256"],
                "status": "accepted",
            }
        ],
        "office": "DESA-A1",
        "channel": "whatsapp",
        "delivery": "pickup",
        "assigned_to": None,
        "courier": None,
        "due_date": "2029-12-03",
        "submitted_at": "2026-11-20T01:01:00Z",
        "completed_at": None,
        "created_at": "2026-11-20T01:01:00Z",
        "updated_at": "2026-11-20T01:01:00Z",
        "collector": None,
        "history": [
            {
                "at": "2026-11-20T01:01:00Z",
                "actor": "resident",
                "from": None,
                "to": "submitted",
                "note": "submitted by WhatsApp",
                "kind": None,
            }
        ],
        "issued": None,
    }
    assert len(document["sha256"]) == 64


@pytest.mark.parametrize(
    ("user", "ticket", "status"),
    [
        ("desa_a1", "KTP-261120-0001", 200),
        ("desa_a1", "KTP-261120-0002", 404),  # the other village of the same district
        ("desa_a1", "KK-261120-0001", 404),  # the district above it
        ("desa_b1", "KTP-261120-0001", 404),
        ("kec_a", "KTP-261120-0002", 200),
        ("kec_a", "KK-261120-0001", 200),
        ("kec_a", "KTP-261120-0003", 404),
        ("kab", "AKTA-261120-0001", 404),  # not routed to any office: admins without one only
        ("root", "AKTA-261120-0001", 200),
        ("desa_a1", "KTP-261120-0004", 200),  # still collecting, but in scope
        ("root", "KTP-261120-9999", 404),
    ],
)
async def test_scope_decides_what_is_found(
    api: Api, seeded: World, user: str, ticket: str, status: int
) -> None:
    response = await api.client.get(f"/api/v1/requests/{ticket}", headers=seeded.auth(user))
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "request not found"}


@pytest.mark.parametrize("ticket", ["ktp-261120-0001", "KTP_261120_0001", "KTP 1", "%00", "x" * 41])
async def test_a_malformed_ticket_is_404(api: Api, seeded: World, ticket: str) -> None:
    response = await api.client.get(f"/api/v1/requests/{ticket}", headers=seeded.auth("root"))
    assert response.status_code == 404
    assert response.json() == {"detail": "request not found"}
