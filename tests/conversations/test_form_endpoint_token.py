"""With the data endpoint configured, a form goes out with a signed flow token (the endpoint
needs one) that wraps the engine's own: its completion is still taken, by the token in the
payload or by the message it answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from app.config import Settings
from app.db import utcnow
from app.flow_endpoint_keys import generate_key_pair
from app.outbox.models import OutboundMessage
from app.whatsapp_flows.flow_tokens import check_flow_token, form_token_of
from app.whatsapp_flows.registry import FlowRegistry, PublishedFlow
from tests.support.form_reply import completion, form_parameters, picked_file
from tests.support.loket import Loket
from tests.support.resident import Resident, sharp_photo, texts

ANSWERS = {
    "variant": "hilang",
    "nik": "3201014508900003",
    "nama": "Siti Aminah",
    "no_kk": "3201012208150007",
    "alamat": "Jl. Melati 3 RT 01 RW 02, Sukamaju",
    "consent": True,
}


def publish_ktp_form(loket: Loket) -> None:
    published = PublishedFlow("flow-ktp-id", "loket_ktp_id", "0" * 64, "2026-11-22T01:00:00+00:00")
    FlowRegistry.for_settings(loket.settings).record("ktp", "id", published)


def files(loket: Loket) -> dict[str, object]:
    kk, letter = sharp_photo(1), sharp_photo(2)
    loket.graph.add_media("form-kk", kk, mime_type="image/jpeg", sha256_as="base64")
    loket.graph.add_media("form-letter", letter, mime_type="image/jpeg", sha256_as="base64")
    return {
        "doc_kk": [picked_file("form-kk", kk, "image/jpeg", "IMG_0001.jpg")],
        "doc_surat_kehilangan": [picked_file("form-letter", letter, "image/jpeg", "IMG_0002.jpg")],
    }


async def form_wamid(sessionmaker) -> str:
    async with sessionmaker() as session:
        stmt = select(OutboundMessage.wamid).where(OutboundMessage.kind == "flow")
        wamid: str = (await session.execute(stmt)).scalar_one()
    return wamid


@pytest.fixture
def live_settings(live_settings: Settings) -> Iterator[Settings]:
    key = SecretStr(generate_key_pair().private_pem)
    yield live_settings.model_copy(update={"whatsapp_flows_private_key": key})


@pytest.mark.parametrize("by_context", [False, True])
async def test_a_signed_token_wraps_the_form_and_its_completion_is_taken(
    loket: Loket, sessionmaker, by_context: bool
) -> None:
    publish_ktp_form(loket)
    siti = Resident(loket)
    replies = await siti.text("ktp sy ilang min")
    token = form_parameters(replies)["flow_token"]
    assert token.startswith("v1.")
    claims = check_flow_token(loket.settings, token, now=utcnow())
    assert (claims.service, claims.language) == ("ktp", "id")
    inner = form_token_of(token)
    assert inner is not None and len(inner) == 32  # the engine's random form token

    answers = ANSWERS | files(loket)
    context_id = await form_wamid(sessionmaker) if by_context else None
    replies = await siti.send(
        completion(answers, context_id=context_id, flow_token=None if by_context else token)
    )
    assert texts(replies).startswith("Formulir Anda sudah kami terima.")
