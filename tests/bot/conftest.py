"""Webhook fixtures: every recorded Meta payload, and an independent count of what it should yield.

The payload folder mixes shapes (see its SOURCES.md): one webhook body per file, a dict of named
bodies (pywa), or bodies nested deeper. `webhook_documents()` finds every body wherever it sits.
A test that takes a `shared_payload` argument runs once per body.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from app.config import Settings
from tests.support.environment import PAYLOADS_DIR


def _bodies(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict) and "object" in node and "entry" in node:
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _bodies(value, f"{path}::{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _bodies(value, f"{path}[{index}]")


def webhook_documents() -> list[tuple[str, dict[str, Any]]]:
    """(name, body) for every webhook body in every JSON file under the payload folder."""
    found: list[tuple[str, dict[str, Any]]] = []
    for file in sorted(PAYLOADS_DIR.rglob("*.json")):
        name = file.relative_to(PAYLOADS_DIR).as_posix()
        bodies = list(_bodies(json.loads(file.read_text(encoding="utf-8")), name))
        assert bodies, f"{name} holds no webhook body"
        found.extend(bodies)
    return found


def expected_keys(doc: dict[str, Any], phone_number_id: str | None) -> list[str]:
    """The dedup keys a correct parser yields for a *well-formed* recorded body.

    Deliberately naive (plain dict walking, no validation) so it does not share the parser's code.
    """
    keys: list[str] = []
    for entry in doc["entry"]:
        for change in entry["changes"]:
            value = change["value"]
            if change["field"] != "messages":
                continue
            if phone_number_id is not None and (
                value["metadata"]["phone_number_id"] != phone_number_id
            ):
                continue
            keys += [f"m:{m['id']}" for m in value.get("messages", []) if "group_id" not in m]
            keys += [
                f"s:{s['id']}:{s['status']}"
                for s in value.get("statuses", [])
                if s.get("recipient_type") != "group"
            ]
    return keys


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "shared_payload" in metafunc.fixturenames:
        documents = webhook_documents()
        metafunc.parametrize(
            "shared_payload", [doc for _, doc in documents], ids=[name for name, _ in documents]
        )


@pytest.fixture
def load_payload() -> Any:
    """`load_payload("pywa/message.json", "text")`: one recorded body, by file and name."""

    def load(relative: str, name: str | None = None) -> dict[str, Any]:
        data: Any = json.loads((PAYLOADS_DIR / relative).read_text(encoding="utf-8"))
        body: dict[str, Any] = data[name] if name is not None else data
        return body

    return load


@pytest.fixture
def keys_expected() -> Any:
    """`keys_expected(doc, phone_number_id)`: see `expected_keys`."""
    return expected_keys


@pytest.fixture(scope="session")
def recorded_bodies() -> list[tuple[str, dict[str, Any]]]:
    """Every recorded webhook body, as (name, body)."""
    return webhook_documents()


WebhookClient = Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def webhook_client(sessionmaker: Any) -> WebhookClient:
    """`async with webhook_client(settings) as client:` a started app (no workers) and a client.

    Depends on `sessionmaker` so every table is emptied after the test.
    """
    from app.main import create_app

    @asynccontextmanager
    async def open_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(settings, run_workers=False)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as c:
                yield c

    return open_client
