"""POST /webhooks/whatsapp/flows through the whole application, on SQLite and PostgreSQL.

WhatsApp's side is played honestly: requests are encrypted with the endpoint's public key and
signed with the app secret, answers are decrypted with the request's key and the flipped IV,
and files come from a fake CDN that encrypts them itself (tests/fakes/flows_cdn.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from sqlalchemy import select

from app.bot.signature import sign
from app.config import Settings
from app.conversations.models import Conversation
from app.db import utcnow
from app.flow_endpoint_keys import generate_key_pair, load_configured_key
from app.flows.session import Draft, Session
from app.locker import Document, store_from_settings
from app.observability import REGISTRY
from app.residents.models import Resident
from app.whatsapp_flows.endpoint_crypto import ClientRequest, encrypt_request
from app.whatsapp_flows.flow_tokens import issue_token, token_key
from tests.fakes.flows_cdn import FakeFlowsCdn
from tests.fakes.graph import FakeGraphAPI
from tests.support.factories import add_document
from tests.support.files import blurred_jpeg, sharp_jpeg
from tests.support.flow_vectors import (
    PYWA_AES_KEY_B64,
    PYWA_PASSPHRASE,
    PYWA_PRIVATE_KEY,
    PYWA_REQUEST,
)

URL = "/webhooks/whatsapp/flows"
APP_SECRET = b"test-app-secret"  # live_settings' WHATSAPP_APP_SECRET
NIK = "3201014508900003"
WA_ID = "6281234567890"


@pytest.fixture(scope="module")
def key_pem() -> str:
    return generate_key_pair().private_pem


@dataclass
class Endpoint:
    client: httpx.AsyncClient
    settings: Settings
    cdn: FakeFlowsCdn
    public_key: rsa.RSAPublicKey
    resident_id: int
    sessionmaker: Any

    def token(
        self, *, service: str = "ktp", hours: float = 72, resident_id: int | None = None
    ) -> str:
        return issue_token(
            token_key(self.settings.session_secret()),
            resident_id=self.resident_id if resident_id is None else resident_id,
            service="ktp",
            language="id",
            now=utcnow(),
            lifetime=timedelta(hours=hours),
        )

    def data_exchange(
        self, screen: str, data: dict[str, Any], *, token: str | None = None
    ) -> dict[str, Any]:
        """A `data_exchange` request from `screen` with `data`, under a fresh token unless given."""
        return {
            "version": "3.0",
            "action": "data_exchange",
            "flow_token": self.token() if token is None else token,
            "screen": screen,
            "data": data,
        }

    async def send(
        self, payload: dict[str, Any], *, signature: str | None = None
    ) -> tuple[httpx.Response, ClientRequest]:
        request = encrypt_request(self.public_key, payload)
        body = request.body()
        header = sign(APP_SECRET, body) if signature is None else signature
        response = await self.client.post(
            URL, content=body, headers={"X-Hub-Signature-256": header}
        )
        return response, request

    async def exchange(self, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response, request = await self.send(payload)
        assert response.headers["content-type"].startswith("text/plain")
        return response.status_code, request.decrypt_answer(response.text)

    async def documents(self) -> list[Document]:
        async with self.sessionmaker() as session:
            return list((await session.scalars(select(Document).order_by(Document.id))).all())


@asynccontextmanager
async def _open(settings: Settings, cdn: FakeFlowsCdn) -> AsyncIterator[httpx.AsyncClient]:
    from app.main import create_app

    graph = FakeGraphAPI.for_settings(settings)
    app = create_app(settings, run_workers=False, transport=cdn.transport(graph.transport()))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://loket.test") as client:
            yield client


@pytest.fixture
async def endpoint(
    live_settings: Settings, key_pem: str, sessionmaker: Any
) -> AsyncIterator[Endpoint]:
    async with _endpoint(live_settings, key_pem, sessionmaker) as opened:
        yield opened


@pytest.fixture
async def regional_endpoint(
    live_settings: Settings, key_pem: str, sessionmaker: Any
) -> AsyncIterator[Endpoint]:
    """The endpoint of an office in regency 7307 (LOKET_OFFICE_REGION)."""
    regional = live_settings.model_copy(update={"office_region": "7307"})
    async with _endpoint(regional, key_pem, sessionmaker) as opened:
        yield opened


@asynccontextmanager
async def _endpoint(
    live_settings: Settings, key_pem: str, sessionmaker: Any
) -> AsyncIterator[Endpoint]:
    settings = live_settings.model_copy(update={"whatsapp_flows_private_key": SecretStr(key_pem)})
    store = store_from_settings(settings)
    async with sessionmaker() as session:
        resident = Resident(wa_id=WA_ID, name="Siti Aminah", language="id")
        session.add(resident)
        await session.flush()
        draft = Draft(service="ktp", variant="hilang", fields={"nik": NIK, "nama": "Siti Aminah"})
        session.add(Conversation(resident_id=resident.id, snapshot=Session(draft=draft).dump()))
        await add_document(session, store, resident=resident, requirement="kk", content=b"kk scan")
        await session.commit()
        resident_id = resident.id
    await store.aclose()
    cdn = FakeFlowsCdn()
    public_key = load_configured_key(key_pem, None).public_key()
    async with _open(settings, cdn) as client:
        yield Endpoint(client, settings, cdn, public_key, resident_id, sessionmaker)


def _counted(status: int) -> float:
    sample = REGISTRY.get_sample_value(
        "loket_flows_endpoint_requests_total", {"status": str(status)}
    )
    return sample or 0.0


async def test_ping_is_answered_active_encrypted_as_plain_text(endpoint: Endpoint) -> None:
    before = _counted(200)
    status, answer = await endpoint.exchange({"version": "3.0", "action": "ping"})
    assert (status, answer) == (200, {"data": {"status": "active"}})
    assert _counted(200) == before + 1


async def test_an_error_notification_is_acknowledged(endpoint: Endpoint) -> None:
    payload = endpoint.data_exchange(
        "DATA", {"error": "invalid-screen-transition", "error_message": "screen X not in model"}
    )
    assert await endpoint.exchange(payload) == (200, {"data": {"acknowledged": True}})


@pytest.mark.parametrize("signature", ["", "sha256=" + "0" * 64, "md5=abc"])
async def test_a_missing_or_wrong_signature_is_432(endpoint: Endpoint, signature: str) -> None:
    before = _counted(432)
    response, _ = await endpoint.send({"version": "3.0", "action": "ping"}, signature=signature)
    assert response.status_code == 432
    assert _counted(432) == before + 1
    assert response.text.startswith("X-Hub-Signature-256 is ")


async def test_a_request_for_another_key_is_421(endpoint: Endpoint) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    request = encrypt_request(other, {"version": "3.0", "action": "ping"})
    body = request.body()
    response = await endpoint.client.post(
        URL, content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)}
    )
    assert response.status_code == 421
    assert response.text == "cannot decrypt: the AES key was not encrypted for this private key"


async def test_a_flipped_byte_in_the_ciphertext_is_421(endpoint: Endpoint) -> None:
    request = encrypt_request(endpoint.public_key, {"version": "3.0", "action": "ping"})
    data = bytearray(base64.b64decode(request.envelope["encrypted_flow_data"]))
    data[5] ^= 0x01
    envelope = {**request.envelope, "encrypted_flow_data": base64.b64encode(bytes(data)).decode()}
    body = json.dumps(envelope).encode()
    response = await endpoint.client.post(
        URL, content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)}
    )
    assert response.status_code == 421
    assert response.text == "cannot decrypt: the body fails its authentication tag"


async def test_an_expired_token_is_427_with_a_sentence_for_the_resident(endpoint: Endpoint) -> None:
    payload = {"version": "3.0", "action": "INIT", "flow_token": endpoint.token(hours=-1)}
    assert await endpoint.exchange(payload) == (
        427,
        {
            "error_msg": "Formulir ini sudah kedaluwarsa. Silakan kembali ke chat dan pilih "
            "layanannya lagi."
        },
    )


@pytest.mark.parametrize("token", ["unused", None])
async def test_an_unknown_token_is_427(endpoint: Endpoint, token: str | None) -> None:
    payload = {"version": "3.0", "action": "INIT", "flow_token": token}
    status, answer = await endpoint.exchange(payload)
    assert status == 427
    assert answer["error_msg"].startswith("Formulir ini tidak bisa dipakai lagi.")


async def test_a_token_of_a_resident_who_is_gone_is_427(endpoint: Endpoint) -> None:
    payload = {"version": "3.0", "action": "INIT", "flow_token": endpoint.token(resident_id=999999)}
    status, _ = await endpoint.exchange(payload)
    assert status == 427


async def test_init_opens_the_entry_screen_prefilled_from_the_chat_and_the_locker(
    endpoint: Endpoint,
) -> None:
    payload = {"version": "3.0", "action": "INIT", "flow_token": endpoint.token(), "data": {}}
    status, answer = await endpoint.exchange(payload)
    assert status == 200
    assert answer["version"] == "3.0" and answer["screen"] == "VARIANT"
    assert answer["data"] == {
        "variant": "hilang",
        "nik": NIK,
        "nama": "Siti Aminah",
        "no_kk": "",
        "status_kawin": "",
        "data_berubah": "",
        "alamat": "",
        "held_kk": True,
        "held_ktp_lama": False,
        "held_ktp_asal": False,
    }


async def test_a_wrong_nik_keeps_the_resident_on_the_screen_with_the_reason_on_the_field(
    endpoint: Endpoint,
) -> None:
    payload = endpoint.data_exchange(
        "DATA", {"nik": "9901014508900003", "nama": "Siti Aminah", "no_kk": "12345"}
    )
    status, answer = await endpoint.exchange(payload)
    assert status == 200
    assert answer == {
        "version": "3.0",
        "screen": "DATA",
        "data": {
            "errors": {"nik": "Kode provinsi tidak dikenal", "no_kk": "Harus 16 angka"},
            "error_message": "Mohon periksa lagi isian berikut:\nNIK: Dua angka pertama NIK "
            "(99) bukan kode provinsi. Coba periksa lagi, ya.\nNomor KK: Nomor KK yang Anda "
            "kirim 5 angka. Nomor KK harus 16 angka, ada di bagian atas KK.",
        },
    }


async def test_a_good_nik_shows_the_birth_date_and_sex_it_encodes(endpoint: Endpoint) -> None:
    payload = endpoint.data_exchange(
        "DATA", {"nik": "3201 0145 0890 0003", "no_kk": "3201012208150007"}
    )
    assert await endpoint.exchange(payload) == (
        200,
        {
            "version": "3.0",
            "screen": "NIK_CHECK",
            "data": {
                "tanggal_lahir": "5 Agustus 1990",
                "jenis_kelamin": "Perempuan",
                "other_region": False,
                "region_note": "NIK ini terdaftar di luar wilayah kantor ini. Tidak apa-apa, "
                "permohonan tetap kami terima; petugas akan memeriksa apakah bisa dilayani di "
                "sini.",
            },
        },
    )


async def test_a_nik_from_another_region_is_noted_not_refused(
    regional_endpoint: Endpoint,
) -> None:
    endpoint = regional_endpoint
    payload = endpoint.data_exchange("DATA", {"nik": NIK})
    status, answer = await endpoint.exchange(payload)
    assert (status, answer["screen"], answer["data"]["other_region"]) == (200, "NIK_CHECK", True)
    payload["data"] = {"nik": "7307011708900001"}
    status, answer = await endpoint.exchange(payload)
    assert (answer["data"]["other_region"], answer["data"]["tanggal_lahir"]) == (
        False,
        "17 Agustus 1990",
    )
    assert answer["data"]["jenis_kelamin"] == "Laki-laki"


async def test_back_returns_to_the_entry_screen_with_its_prefill(endpoint: Endpoint) -> None:
    payload = {"version": "3.0", "action": "BACK", "flow_token": endpoint.token(), "screen": ""}
    status, answer = await endpoint.exchange(payload)
    assert (status, answer["screen"]) == (200, "VARIANT")
    assert (answer["data"]["nik"], answer["data"]["held_kk"]) == (NIK, True)
    payload["screen"] = "DOC_KK"
    assert await endpoint.exchange(payload) == (
        200,
        {"version": "3.0", "screen": "DOC_KK", "data": {}},
    )


async def test_the_last_screen_finishes_the_form_with_its_token(endpoint: Endpoint) -> None:
    token = endpoint.token()
    payload = endpoint.data_exchange("SUMMARY", {"consent": True, "nik": NIK}, token=token)
    assert await endpoint.exchange(payload) == (
        200,
        {
            "version": "3.0",
            "screen": "SUCCESS",
            "data": {
                "extension_message_response": {
                    "params": {"flow_token": token, "consent": True, "nik": NIK}
                }
            },
        },
    )


def _photo_exchange(endpoint: Endpoint, item: dict[str, Any]) -> dict[str, Any]:
    return endpoint.data_exchange("DOC_KTP_RUSAK", {"doc_ktp_rusak": [item]})


async def test_a_blurred_photo_is_refused_in_the_form_and_nothing_is_stored(
    endpoint: Endpoint,
) -> None:
    item = endpoint.cdn.add(blurred_jpeg())
    status, answer = await endpoint.exchange(_photo_exchange(endpoint, item))
    assert status == 200
    assert answer["screen"] == "DOC_KTP_RUSAK"
    assert answer["data"]["error_message"] == (
        "Mohon periksa lagi isian berikut:\nFoto KTP-el yang rusak kurang jelas (buram). Mohon "
        "foto ulang di tempat terang, seluruh dokumen terlihat, lalu kirim lagi."
    )
    assert endpoint.cdn.downloads == [item["cdn_url"]]
    assert [d.requirement for d in await endpoint.documents()] == ["kk"]


async def test_a_sharp_photo_reaches_the_locker_once_and_the_form_moves_on(
    endpoint: Endpoint,
) -> None:
    photo = sharp_jpeg()
    item = endpoint.cdn.add(photo)
    for _ in range(2):  # a tap repeated after a slow answer stores the file once
        status, answer = await endpoint.exchange(_photo_exchange(endpoint, item))
        assert (status, answer) == (200, {"version": "3.0", "screen": "DOC_KTP_LAMA", "data": {}})
    documents = await endpoint.documents()
    assert [(d.requirement, d.status, d.media_id) for d in documents] == [
        ("kk", "accepted", documents[0].media_id),
        ("ktp_rusak", "accepted", f"flow:{item['media_id']}"),
    ]
    assert documents[1].sha256 == hashlib.sha256(photo).hexdigest()
    assert documents[1].resident_id == endpoint.resident_id


async def test_a_cdn_that_does_not_answer_in_time_keeps_nothing(
    live_settings: Settings, key_pem: str, sessionmaker: Any
) -> None:
    settings = live_settings.model_copy(
        update={
            "whatsapp_flows_private_key": SecretStr(key_pem),
            "flows_file_budget_seconds": 0.2,
        }
    )
    async with sessionmaker() as session:
        resident = Resident(wa_id=WA_ID, name="Siti Aminah", language="id")
        session.add(resident)
        await session.commit()
        resident_id = resident.id
    cdn = FakeFlowsCdn()
    public_key = load_configured_key(key_pem, None).public_key()
    async with _open(settings, cdn) as client:
        endpoint = Endpoint(client, settings, cdn, public_key, resident_id, sessionmaker)
        item = cdn.add(sharp_jpeg())
        released = cdn.stall(item["cdn_url"])
        status, answer = await endpoint.exchange(_photo_exchange(endpoint, item))
        released.set()
    assert (status, answer["screen"]) == (200, "DOC_KTP_RUSAK")
    assert answer["data"]["error_message"] == (
        "Pemeriksaan file butuh waktu lebih lama. Mohon tekan tombolnya sekali lagi."
    )
    assert await endpoint.documents() == []


@pytest.mark.parametrize("position", [0, -1])  # the ciphertext, the MAC
async def test_a_tampered_file_is_refused_and_nothing_is_stored(
    endpoint: Endpoint, position: int
) -> None:
    item = endpoint.cdn.add(sharp_jpeg())
    endpoint.cdn.tamper(item["cdn_url"], position)
    status, answer = await endpoint.exchange(_photo_exchange(endpoint, item))
    assert (status, answer["screen"]) == (200, "DOC_KTP_RUSAK")
    assert answer["data"]["error_message"] == (
        "Mohon periksa lagi isian berikut:\nFile KTP-el yang rusak tidak terkirim utuh. "
        "Mohon pilih file itu sekali lagi."
    )
    assert [d.requirement for d in await endpoint.documents()] == ["kk"]


async def test_a_file_off_whatsapps_cdn_is_never_fetched(endpoint: Endpoint) -> None:
    item = endpoint.cdn.add(sharp_jpeg())
    item["cdn_url"] = "https://169.254.169.254/latest/meta-data"
    status, answer = await endpoint.exchange(_photo_exchange(endpoint, item))
    assert status == 200 and "tidak terkirim utuh" in answer["data"]["error_message"]
    assert endpoint.cdn.downloads == []
    assert [d.requirement for d in await endpoint.documents()] == ["kk"]


async def test_a_good_photo_beside_a_wrong_nik_is_not_kept(endpoint: Endpoint) -> None:
    payload = _photo_exchange(endpoint, endpoint.cdn.add(sharp_jpeg()))
    payload["data"]["nik"] = "12345"
    status, answer = await endpoint.exchange(payload)
    assert status == 200 and answer["screen"] == "DOC_KTP_RUSAK"
    assert "NIK yang Anda kirim 5 angka" in answer["data"]["error_message"]
    assert [d.requirement for d in await endpoint.documents()] == ["kk"]


async def test_the_published_request_reaches_the_endpoint_and_its_unknown_token_is_427(
    live_settings: Settings, sessionmaker: Any
) -> None:
    settings = live_settings.model_copy(
        update={
            "whatsapp_flows_private_key": SecretStr(PYWA_PRIVATE_KEY),
            "whatsapp_flows_private_key_passphrase": SecretStr(PYWA_PASSPHRASE),
        }
    )
    body = json.dumps(PYWA_REQUEST).encode()
    async with _open(settings, FakeFlowsCdn()) as client:
        response = await client.post(
            URL, content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)}
        )
    assert response.status_code == 427
    reader = ClientRequest(
        PYWA_REQUEST,
        base64.b64decode(PYWA_AES_KEY_B64),
        base64.b64decode(PYWA_REQUEST["initial_vector"]),
    )
    assert reader.decrypt_answer(response.text)["error_msg"].startswith("Formulir ini tidak bisa")


async def test_without_a_key_the_endpoint_says_what_to_configure(
    live_settings: Settings, sessionmaker: Any
) -> None:
    async with _open(live_settings, FakeFlowsCdn()) as client:
        response = await client.post(URL, content=b"{}")
    assert response.status_code == 503
    assert response.text.startswith(
        "The WhatsApp Flows data endpoint is not configured: set WHATSAPP_FLOWS_PRIVATE_KEY"
    )


async def test_sandbox_takes_the_simulators_unsigned_requests(
    settings: Settings, key_pem: str, sessionmaker: Any
) -> None:
    sandbox = settings.model_copy(update={"whatsapp_flows_private_key": SecretStr(key_pem)})
    public_key = load_configured_key(key_pem, None).public_key()
    request = encrypt_request(public_key, {"version": "3.0", "action": "ping"})
    async with _open(sandbox, FakeFlowsCdn()) as client:
        response = await client.post(URL, content=request.body())
    assert response.status_code == 200
    assert request.decrypt_answer(response.text) == {"data": {"status": "active"}}
