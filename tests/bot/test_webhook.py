"""POST/GET /webhooks/whatsapp through the whole app: contract §4, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.bot.signature import sign
from app.config import Settings
from app.inbox.models import InboundEvent
from app.inbox.repository import store_updates
from app.observability import REGISTRY
from app.residents.models import Resident
from tests.support.environment import LIVE_SECRET_KEY

URL = "/webhooks/whatsapp"
SECRET = b"test-app-secret"  # live_settings' WHATSAPP_APP_SECRET
NUMBER = "106540352242922"  # live_settings' WHATSAPP_PHONE_NUMBER_ID


def _text_body(wamid: str, sender: str = "6281200000001", **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "from": sender,
        "id": wamid,
        "timestamp": "1750000000",
        "type": "text",
    }
    message["text"] = {"body": "halo"}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": sender}],
        "messages": [{**message, **extra}],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }


def _status_body(wamid: str, status: str) -> dict[str, Any]:
    body = _text_body("unused")
    value = body["entry"][0]["changes"][0]["value"]
    del value["messages"]
    value["statuses"] = [
        {"id": wamid, "status": status, "timestamp": "1750000001", "recipient_id": "6281200000001"}
    ]
    return body


def _first_number(doc: dict[str, Any]) -> str | None:
    for entry in doc["entry"]:
        for change in entry["changes"]:
            if change["field"] == "messages":
                return str(change["value"]["metadata"]["phone_number_id"])
    return None


async def _post(
    client: Any, body: Any, *, signed: bool = True, headers: dict[str, str] | None = None
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = dict(headers or {})
    if signed:
        headers.setdefault("X-Hub-Signature-256", sign(SECRET, raw))
    return await client.post(URL, content=raw, headers=headers)


async def _keys(sessionmaker: Any) -> list[str]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(InboundEvent.dedup_key).order_by(InboundEvent.id))
        return list(rows)


async def _residents(sessionmaker: Any) -> list[tuple[str | None, str | None]]:
    async with sessionmaker() as session:
        rows = await session.execute(select(Resident.user_id, Resident.wa_id).order_by(Resident.id))
        return [(user_id, wa_id) for user_id, wa_id in rows]


@pytest.fixture
async def live(webhook_client: Any, live_settings: Settings) -> AsyncIterator[Any]:
    async with webhook_client(live_settings) as client:
        yield client


# --- recorded payloads ----------------------------------------------------------------------


@pytest.fixture(scope="module")
async def client_for_number(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Callable[[str], Awaitable[httpx.AsyncClient]]]:
    """Started live-mode apps, one per business number, shared by the replay tests (starting
    an app costs more than replaying a body)."""
    from app.main import create_app

    var = tmp_path_factory.mktemp("replay")
    base = Settings(
        DATABASE_URL=database_url,
        LOCKER_URL=f"file:{var / 'locker'}",
        LOKET_VAR_DIR=var,
        LOKET_LOG_JSON=False,
        WHATSAPP_ACCESS_TOKEN="test-access-token",
        WHATSAPP_PHONE_NUMBER_ID=NUMBER,
        WHATSAPP_APP_SECRET=SECRET.decode(),
        WHATSAPP_VERIFY_TOKEN="test-verify-token",
        WHATSAPP_API_BASE_URL="http://graph.test",
        LOKET_SECRET_KEY=LIVE_SECRET_KEY,
    )
    clients: dict[str, httpx.AsyncClient] = {}
    async with AsyncExitStack() as stack:

        async def client_for(number: str) -> httpx.AsyncClient:
            if number not in clients:
                configured = base.model_copy(update={"whatsapp_phone_number_id": number})
                app = create_app(configured, run_workers=False)
                await stack.enter_async_context(app.router.lifespan_context(app))
                clients[number] = await stack.enter_async_context(
                    httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
                )
            return clients[number]

        yield client_for


async def test_every_recorded_payload_is_acknowledged_and_stored_once(
    shared_payload: dict[str, Any],
    keys_expected: Any,
    client_for_number: Callable[[str], Awaitable[httpx.AsyncClient]],
    sessionmaker: Any,
) -> None:
    number = _first_number(shared_payload) or NUMBER
    expected = list(dict.fromkeys(keys_expected(shared_payload, number)))
    client = await client_for_number(number)
    first = await _post(client, shared_payload)
    assert first.status_code == 200, first.text
    assert first.json()["stored"] == len(expected)
    assert await _keys(sessionmaker) == expected
    again = await _post(client, shared_payload)
    assert again.status_code == 200
    assert (again.json()["stored"], again.json()["duplicates"]) == (0, len(expected))
    assert await _keys(sessionmaker) == expected


# --- handshake ------------------------------------------------------------------------------


async def test_the_handshake_echoes_the_challenge_as_plain_text(live: Any) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token"}
    response = await live.get(URL, params={**params, "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.text == "1158201444"
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {"hub.verify_token": "test-verify-token", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token"},
        {},
    ],
)
async def test_a_wrong_or_incomplete_handshake_is_forbidden(
    live: Any, params: dict[str, str]
) -> None:
    response = await live.get(URL, params=params)
    assert response.status_code == 403
    assert "1" not in response.text


async def test_sandbox_without_a_verify_token_refuses_every_handshake(
    webhook_client: Any, settings: Settings
) -> None:
    async with webhook_client(settings) as client:
        params = {"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}
        assert (await client.get(URL, params=params)).status_code == 403


# --- signatures, size, JSON -----------------------------------------------------------------


def _counter(outcome: str) -> float:
    return REGISTRY.get_sample_value("loket_webhook_requests_total", {"outcome": outcome}) or 0.0


async def test_a_missing_signature_is_401_and_stores_nothing(live: Any, sessionmaker: Any) -> None:
    before = _counter("no_signature")
    response = await _post(live, _text_body("wamid.nosig"), signed=False)
    assert response.status_code == 401
    assert await _keys(sessionmaker) == []
    assert _counter("no_signature") == before + 1


@pytest.mark.parametrize(
    "signature",
    [sign(b"wrong-secret", b"{}"), "sha256=" + "0" * 64, "garbage", sign(SECRET, b"{}")],
)
async def test_a_wrong_signature_is_403_and_stores_nothing(
    live: Any, sessionmaker: Any, signature: str
) -> None:
    body = _text_body("wamid.badsig")
    response = await _post(live, body, headers={"X-Hub-Signature-256": signature})
    assert response.status_code == 403
    assert await _keys(sessionmaker) == []
    assert await _residents(sessionmaker) == []


async def test_live_mode_without_an_app_secret_accepts_nothing(
    webhook_client: Any, live_settings: Settings, sessionmaker: Any
) -> None:
    # Settings refuses this at start-up; a copy that slipped past must still not trust anyone.
    unsigned = live_settings.model_copy(update={"whatsapp_app_secret": None})
    async with webhook_client(unsigned) as client:
        assert (await _post(client, _text_body("wamid.nosecret"))).status_code == 403
    assert await _keys(sessionmaker) == []


async def test_sandbox_accepts_unsigned_and_ignores_a_bad_signature(
    webhook_client: Any, settings: Settings, sessionmaker: Any
) -> None:
    async with webhook_client(settings) as client:
        assert (await _post(client, _text_body("wamid.s1"), signed=False)).status_code == 200
        bad = {"X-Hub-Signature-256": "sha256=" + "0" * 64}
        assert (
            await _post(client, _text_body("wamid.s2"), signed=False, headers=bad)
        ).status_code == 200
    assert await _keys(sessionmaker) == ["m:wamid.s1", "m:wamid.s2"]


async def test_an_oversized_body_is_413_by_content_length_before_the_signature(
    live: Any, sessionmaker: Any
) -> None:
    limit = 4 * 1024 * 1024
    response = await _post(live, b"x" * (limit + 1), signed=False)
    assert response.status_code == 413
    exact = await _post(live, b" " * (limit - 2) + b"{}")  # at the limit: read and answered
    assert exact.status_code == 200
    assert await _keys(sessionmaker) == []


async def test_a_chunked_oversized_body_is_413_without_reading_it_all(
    webhook_client: Any, live_settings: Settings
) -> None:
    small = live_settings.model_copy(update={"webhook_max_body_bytes": 64 * 1024})
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 16 MB offered in 16 KiB pieces
            sent += 16 * 1024
            yield b"x" * (16 * 1024)

    async with webhook_client(small) as client:
        # Signed (wrongly): an unsigned delivery is refused before any of it is read.
        headers = {"X-Hub-Signature-256": "sha256=" + "0" * 64}
        response = await client.post(URL, content=chunks(), headers=headers)
    assert response.status_code == 413
    assert sent <= 64 * 1024 + 2 * 16 * 1024


async def test_an_invalid_content_length_is_400(live: Any) -> None:
    body = json.dumps(_text_body("wamid.cl")).encode()
    request = live.build_request("POST", URL, content=body)
    request.headers["Content-Length"] = "12ab"
    request.headers["X-Hub-Signature-256"] = sign(SECRET, body)
    assert (await live.send(request)).status_code == 400


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"[]", b'"text"', b"null", b"\xff\xfe\x00", b'{"a": NaN}', b'{"a": 1e999}'],
)
async def test_signed_but_not_a_json_object_is_400(
    live: Any, sessionmaker: Any, raw: bytes
) -> None:
    response = await _post(live, raw)
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert await _keys(sessionmaker) == []


async def test_other_numbers_and_other_fields_are_acknowledged_and_ignored(
    live: Any, sessionmaker: Any
) -> None:
    other_number = _text_body("wamid.other")
    other_number["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    other_field = _text_body("wamid.field")
    other_field["entry"][0]["changes"][0]["field"] = "message_template_status_update"
    for body in (other_number, other_field):
        response = await _post(live, body)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "stored": 0, "duplicates": 0, "ignored": 1}
    assert await _keys(sessionmaker) == []


# --- de-duplication and concurrency ---------------------------------------------------------


async def test_a_redelivered_message_is_stored_once(live: Any, sessionmaker: Any) -> None:
    for _ in range(3):
        assert (await _post(live, _text_body("wamid.again"))).status_code == 200
    assert await _keys(sessionmaker) == ["m:wamid.again"]


async def test_statuses_are_deduplicated_on_id_and_status(live: Any, sessionmaker: Any) -> None:
    for status in ("sent", "delivered", "sent", "read", "delivered"):
        assert (await _post(live, _status_body("wamid.out", status))).status_code == 200
    assert await _keys(sessionmaker) == [
        "s:wamid.out:sent",
        "s:wamid.out:delivered",
        "s:wamid.out:read",
    ]


async def test_fifty_concurrent_deliveries_of_ten_messages_store_ten_rows(
    live: Any, sessionmaker: Any
) -> None:
    bodies = [_text_body(f"wamid.c{i}", sender=f"62812000001{i:02d}") for i in range(10)]
    responses = await asyncio.gather(*(_post(live, body) for body in bodies * 5))
    assert [r.status_code for r in responses] == [200] * 50
    assert sum(r.json()["stored"] for r in responses) == 10
    assert sorted(await _keys(sessionmaker)) == sorted(f"m:wamid.c{i}" for i in range(10))
    assert len(await _residents(sessionmaker)) == 10


# --- residents ------------------------------------------------------------------------------


async def test_bsuid_only_senders_become_residents_keyed_by_user_id(
    live: Any, sessionmaker: Any
) -> None:
    body = _text_body("wamid.bsuid", sender="")
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Ani", "username": "@ani"}, "user_id": "ID.ani"}]
    value["messages"][0]["from_user_id"] = "ID.ani"
    assert (await _post(live, body)).status_code == 200
    assert await _residents(sessionmaker) == [("ID.ani", None)]


async def test_a_phone_known_resident_gets_the_bsuid_when_both_arrive(
    live: Any, sessionmaker: Any
) -> None:
    assert (await _post(live, _text_body("wamid.p1", sender="628999"))).status_code == 200
    both = _text_body("wamid.p2", sender="628999", from_user_id="ID.budi")
    assert (await _post(live, both)).status_code == 200
    assert await _residents(sessionmaker) == [("ID.budi", "628999")]


async def test_text_no_database_can_hold_is_cleaned_not_refused(
    live: Any, sessionmaker: Any
) -> None:
    body = _text_body("wamid.nul", text={"body": "a\x00b\ud800c"})
    assert (await _post(live, body)).status_code == 200
    async with sessionmaker() as session:
        event = (await session.scalars(select(InboundEvent))).one()
    assert event.payload["message"]["text"]["body"] == "ab?c"


# --- failures -------------------------------------------------------------------------------


async def test_a_database_failure_is_500_and_stores_nothing(
    live: Any, sessionmaker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def store_then_fail(session: Any, updates: Any) -> Any:
        await store_updates(session, updates)
        raise ConnectionResetError("database went away")

    monkeypatch.setattr("app.inbox.ingest.store_updates", store_then_fail)
    response = await _post(live, _text_body("wamid.fail"))
    assert response.status_code == 500
    assert response.json()["status"] == "error"
    assert "Traceback" not in response.text and "database went away" not in response.text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(InboundEvent)) == 0
        assert await session.scalar(select(func.count()).select_from(Resident)) == 0
    monkeypatch.setattr("app.inbox.ingest.store_updates", store_updates)
    assert (await _post(live, _text_body("wamid.fail"))).json()["stored"] == 1  # Meta's retry


async def test_a_bug_while_handling_is_our_500_not_a_traceback(
    live: Any, sessionmaker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise KeyError("a bug in the parser")

    monkeypatch.setattr("app.bot.router.parse_webhook", broken)
    response = await _post(live, _text_body("wamid.bug"))
    assert (response.status_code, response.json()) == (
        500,
        {"status": "error", "reason": "temporarily unable to store updates; please retry"},
    )
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(InboundEvent)) == 0


_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_values = _scalars | st.sampled_from(["\x00", "\ud800", "6" * 40, "wamid.fuzz", "", " "])
_json = st.recursive(
    _values,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["id", "from", "from_user_id", "status", "type", "text", "errors", "x"]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=25,
)


def _fuzz_bodies() -> list[bytes]:
    """Signed bodies to throw at the webhook: raw bytes, any JSON, and mangled Meta bodies."""
    found: list[bytes] = []

    @hypothesis_settings(max_examples=150, database=None, deadline=None)
    @given(
        raw=st.binary(max_size=64),
        doc=_json,
        text=_json,
        message=_json,
        status=_json,
        contact=_json,
    )
    def collect(raw: bytes, doc: Any, text: Any, message: Any, status: Any, contact: Any) -> None:
        mangled = _text_body("wamid.fuzz")
        value = mangled["entry"][0]["changes"][0]["value"]
        value["messages"][0]["text"] = {"body": text}  # stored as-is, whatever it holds
        value["messages"].append(message)
        value["statuses"] = [status]
        value["contacts"].append(contact)
        found.extend([raw, json.dumps(doc).encode(), json.dumps(mangled).encode()])

    collect()
    return found


async def test_fuzzed_signed_bodies_never_cause_a_server_error(live: Any) -> None:
    for raw in _fuzz_bodies():
        response = await _post(live, raw)
        assert response.status_code in (200, 400), (response.status_code, raw[:200])
