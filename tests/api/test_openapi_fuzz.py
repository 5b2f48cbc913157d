"""Schemathesis against /openapi.json with a valid token: the operator API never answers 5xx.

Every operation under /api/v1 is called with data that fits the schema and with data that does
not, and each answer must be a documented status with a body matching its documented schema.
Operations on one request are also fuzzed against a real, visible request (and its document), so
bodies reach the status machine and the messaging rules rather than stopping at a 404.

The app runs in schemathesis' own event-loop thread (schemathesis starts its lifespan there); the
data it serves is seeded beforehand through the test's own engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.db import unit_of_work, utcnow
from app.locker.factory import store_from_settings
from app.main import create_app
from app.offices.models import Office
from app.requests.models import Request
from app.residents.models import Resident
from tests.support.clients import Api
from tests.support.factories import BUDI, World, add_document, build_world, seed_requests

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
LIVE_TICKET = "KTP-261120-0002"  # Budi's, in review at DESA-A2
# Negative data needs an input the schema constrains: /services takes none, and any string is a
# valid ticket on the wire (a malformed one is answered 404, like an unknown one).
NOTHING_TO_BREAK = {"/api/v1/services", "/api/v1/requests/{ticket}"}


@dataclass
class Target:
    app: Any
    world: World
    document_id: int


@pytest.fixture
async def target(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Target]:
    world = await build_world(sessionmaker)
    requests = await seed_requests(sessionmaker, world)
    async with store_from_settings(settings) as store, unit_of_work(sessionmaker) as session:
        # Budi wrote a moment ago, so replies to him are sent rather than refused.
        await session.execute(
            update(Resident).where(Resident.wa_id == BUDI[0]).values(last_inbound_at=utcnow())
        )
        request = await session.get(Request, requests[LIVE_TICKET].id)
        assert request is not None
        budi = await session.get(Resident, request.resident_id)
        assert budi is not None
        document = await add_document(
            session,
            store,
            resident=budi,
            requirement="kk",
            content=b"\xff\xd8\xff synthetic",
            attach_to=request,
        )
    app = create_app(settings, run_workers=False)
    try:
        yield Target(app, world, document.id)
    finally:
        asgi.shutdown_lifespans()  # disposes the app's engine before the tables are emptied
        async with unit_of_work(sessionmaker) as session:
            await session.execute(update(Office).values(parent_id=None))


def _fuzz(operation: Any, mode: GenerationMode, **fixed: Any) -> None:
    @given(case=operation.as_strategy(generation_mode=mode, **fixed))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        case.call_and_validate(checks=CHECKS)

    call()


def test_no_operation_answers_5xx(target: Target) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", target.app)
    schema = schema.include(path_regex="^/api/v1/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert sorted(f"{op.method.upper()} {op.path}" for op in operations) == [
        "GET /api/v1/documents/{document_id}/content",
        "GET /api/v1/requests",
        "GET /api/v1/requests/{ticket}",
        "GET /api/v1/services",
        "POST /api/v1/requests/{ticket}/issued",
        "POST /api/v1/requests/{ticket}/messages",
        "POST /api/v1/requests/{ticket}/transitions",
    ]
    headers = target.world.auth("root")
    for operation in operations:
        _fuzz(operation, GenerationMode.POSITIVE, headers=headers)
        if operation.path not in NOTHING_TO_BREAK:
            _fuzz(operation, GenerationMode.NEGATIVE, headers=headers)
        if "{ticket}" in operation.path:
            fixed = {"headers": headers, "path_parameters": {"ticket": LIVE_TICKET}}
            _fuzz(operation, GenerationMode.POSITIVE, **fixed)
            if operation.method.upper() == "POST":
                _fuzz(operation, GenerationMode.NEGATIVE, **fixed)
        if "{document_id}" in operation.path:
            fixed = {"headers": headers, "path_parameters": {"document_id": target.document_id}}
            _fuzz(operation, GenerationMode.POSITIVE, **fixed)


async def test_the_openapi_document_describes_security_and_responses(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    assert doc["components"]["securitySchemes"]["ApiToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An operator's API token, from `loket token create --username U`.",
    }
    operations = {
        (method.upper(), path): spec
        for path, item in doc["paths"].items()
        if path.startswith("/api/v1/")
        for method, spec in item.items()
    }
    assert len(operations) == 7
    for spec in operations.values():
        assert spec["security"] == [{"ApiToken": []}]
        assert spec["responses"]["401"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
    ok = {key: spec["responses"]["200"]["content"] for key, spec in operations.items()}
    assert ok[("GET", "/api/v1/requests")]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RequestPageOut"
    }
    assert ok[("POST", "/api/v1/requests/{ticket}/transitions")]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RequestOut"
    }
    assert set(ok[("GET", "/api/v1/documents/{document_id}/content")]) == {
        "image/jpeg",
        "image/png",
        "application/pdf",
        "application/octet-stream",
    }
    history = doc["components"]["schemas"]["HistoryEntryOut"]["properties"]
    assert set(history) == {"at", "actor", "from", "to", "note", "kind"}
    assert "409" in operations[("POST", "/api/v1/requests/{ticket}/messages")]["responses"]
