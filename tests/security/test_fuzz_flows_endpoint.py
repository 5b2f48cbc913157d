"""Hypothesis on the Flows data endpoint: no decrypted request, however hostile, gets a 5xx.

Each example is a correctly encrypted and signed request (so it passes the envelope and reaches
the part that reads WhatsApp's JSON): any action, a genuine or a garbage token, any screen, and
data mixing the form's own keys (answers, picker values with broken metadata or unknown CDN
addresses) with arbitrary JSON. The answer must decrypt with the request's key and be 200, 400
(an action WhatsApp does not send) or 427 (a token that is not ours). The app runs in an anyio
portal as in test_fuzz_webhook.py; `LOKET_FUZZ=long` sends 10,000 requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from anyio.from_thread import BlockingPortal
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from pydantic import SecretStr

from app.bot.signature import sign
from app.config import Settings
from app.db import create_engine, create_sessionmaker, utcnow
from app.flow_endpoint_keys import generate_key_pair, load_configured_key
from app.main import create_app
from app.residents.models import Resident
from app.whatsapp_flows.endpoint_crypto import encrypt_request
from app.whatsapp_flows.flow_tokens import issue_token, token_key
from tests.fakes.flows_cdn import FakeFlowsCdn
from tests.fakes.graph import FakeGraphAPI
from tests.support.fuzz import HOSTILE_WORDS, fuzz_settings

URL = "/webhooks/whatsapp/flows"
SECRET = b"test-app-secret"  # live_settings' WHATSAPP_APP_SECRET
EXPECTED = {200, 400, 427}
KEY_PEM = generate_key_pair().private_pem
PUBLIC_KEY = load_configured_key(KEY_PEM, None).public_key()
SCREENS = ["", "VARIANT", "DATA", "DOC_KK", "DOC_KTP_RUSAK", "SUMMARY", "SUCCESS"]
KEYS = ["variant", "nik", "no_kk", "nama", "consent", "doc_kk", "doc_ktp_rusak", "error"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(HOSTILE_WORDS),
    st.sampled_from(["3201014508900003", "9901014508900003", "3201 0145 0890 0003"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
picker_items = st.fixed_dictionaries(
    {
        "media_id": st.one_of(st.uuids().map(str), st.text(max_size=10)),
        "cdn_url": st.sampled_from(
            ["https://mmg.whatsapp.net/v/t62/404", "https://example.com/x", "ftp://a", "", "\x00"]
        ),
        "encryption_metadata": json_values,
    }
)
data = st.dictionaries(
    st.one_of(st.sampled_from(KEYS), st.text(max_size=12)),
    st.one_of(json_values, st.lists(picker_items, max_size=2)),
    max_size=5,
)


@dataclass
class Harness:
    client: httpx.AsyncClient
    token: str

    async def send(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request = encrypt_request(PUBLIC_KEY, payload)
        body = request.body()
        response = await self.client.post(
            URL, content=body, headers={"X-Hub-Signature-256": sign(SECRET, body)}
        )
        return response.status_code, request.decrypt_answer(response.text)


@asynccontextmanager
async def _started(settings: Settings) -> AsyncIterator[Harness]:
    engine = create_engine(settings.database_url)
    async with create_sessionmaker(engine)() as session:
        resident = Resident(wa_id="6281200000077", name="Fuzz", language="id")
        session.add(resident)
        await session.commit()
        resident_id = resident.id
    await engine.dispose()
    token = issue_token(
        token_key(settings.session_secret()),
        resident_id=resident_id,
        service="ktp",
        language="id",
        now=utcnow(),
        lifetime=timedelta(hours=2),
    )
    graph = FakeGraphAPI.for_settings(settings)
    app = create_app(
        settings, run_workers=False, transport=FakeFlowsCdn().transport(graph.transport())
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as client:
            yield Harness(client, token)


@pytest.fixture
def harness(
    portal: BlockingPortal, live_settings: Settings, sessionmaker: object
) -> Iterator[Harness]:
    """The app in the portal's loop; `sessionmaker` empties every table afterwards."""
    settings = live_settings.model_copy(update={"whatsapp_flows_private_key": SecretStr(KEY_PEM)})
    with portal.wrap_async_context_manager(_started(settings)) as started:
        yield started


def test_no_decrypted_request_gets_a_server_error(harness: Harness, portal: BlockingPortal) -> None:
    seen: set[int] = set()

    @fuzz_settings(ci_examples=150, also_suppress=(HealthCheck.function_scoped_fixture,))
    @given(
        action=st.one_of(
            st.sampled_from(["INIT", "BACK", "data_exchange", "ping"]), st.text(max_size=8)
        ),
        genuine=st.booleans(),
        other_token=json_values,
        screen=st.one_of(st.sampled_from(SCREENS), json_values),
        values=data,
    )
    def fuzz(
        action: str, genuine: bool, other_token: Any, screen: Any, values: dict[str, Any]
    ) -> None:
        payload = {
            "version": "3.0",
            "action": action,
            "flow_token": harness.token if genuine else other_token,
            "screen": screen,
            "data": values,
        }
        status, answer = portal.call(harness.send, payload)
        assert status in EXPECTED, (payload, answer)
        seen.add(status)

    fuzz()
    assert seen >= {200, 427}
