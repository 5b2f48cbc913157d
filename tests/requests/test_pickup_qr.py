"""The pickup code as a QR image in the chat: right after the text inside the window, held
behind the template outside it (sent when the resident writes), withdrawn once collected."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.outbox.attachments import AttachmentGone
from app.outbox.models import OutboundMessage
from app.requests import pickup_qr
from app.requests.status import RequestStatus as S
from tests.support.lifecycle import OUTSIDE, move, sent
from tests.support.loket import Loket
from tests.support.request_rows import create_request, load

TO = "+6281200007777"


async def _ready(loket: Loket, sessionmaker, **create) -> str:
    _, ticket = await create_request(sessionmaker, service="kk", status="processing", **create)
    await move(loket, ticket, S.READY_FOR_PICKUP, pickup_place="Kantor Camat Contoh")
    await loket.drain()
    return ticket


def _code(body: str) -> str:
    found = re.search(r"kode pengambilan (\d{6})", body)
    assert found is not None
    return found[1]


async def test_inside_the_window_the_qr_image_follows_the_text(loket: Loket, sessionmaker) -> None:
    ticket = await _ready(loket, sessionmaker)
    text, image = sent(loket)
    code = _code(text["text"]["body"])
    [upload] = loket.graph.uploads.values()
    assert (upload.media_id, upload.filename, upload.mime_type) == (
        "media.UPLOAD1",
        "image.png",
        "image/png",
    )
    # The PNG is the QR code of the payload the counter's scanner reads, drawn at send time.
    assert upload.content == pickup_qr.png(f"LOKET1:{ticket}:{code}")
    assert upload.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert image == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "image",
        "image": {
            "caption": f"Kode pengambilan {ticket}. Tunjukkan kode QR ini kepada petugas untuk"
            " dipindai, atau sebutkan kodenya.",
            "id": "media.UPLOAD1",
        },
        "to": TO,
    }


async def test_outside_the_window_the_template_goes_and_the_image_waits(
    loket: Loket, sessionmaker
) -> None:
    ticket = await _ready(loket, sessionmaker, last_inbound=OUTSIDE)
    (template,) = sent(loket)
    assert template["template"]["name"] == "loket_siap_diambil"
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(OutboundMessage.origin, OutboundMessage.state).order_by(OutboundMessage.id)
            )
        ).all()
    assert rows == [
        ("template:status:ready_for_pickup", "sent"),
        (f"pickup_qr:{ticket}", "held"),
    ]
    assert loket.graph.uploads == {}


async def test_collecting_withdraws_an_image_still_waiting(loket: Loket, sessionmaker) -> None:
    ticket = await _ready(loket, sessionmaker, last_inbound=OUTSIDE)
    params = sent(loket)[0]["template"]["components"][0]["parameters"]
    await move(loket, ticket, S.COMPLETED, code=params[3]["text"])
    await loket.drain()
    async with sessionmaker() as session:
        states = (
            await session.execute(
                select(OutboundMessage.state).where(OutboundMessage.origin == f"pickup_qr:{ticket}")
            )
        ).scalars()
        assert list(states) == ["cancelled"]
    assert (await load(sessionmaker, ticket)).status == S.COMPLETED
    # Ready, completed, and the survey's invitation: no image.
    assert [m["template"]["name"] for m in sent(loket)] == [
        "loket_siap_diambil",
        "loket_selesai",
        "loket_pesan_menunggu",
    ]


def test_the_payload_is_read_back_and_nothing_else_is() -> None:
    assert pickup_qr.parse_payload(" LOKET1:KK-261203-0007:004213 ") == ("KK-261203-0007", "004213")
    assert pickup_qr.parse_payload("LOKET1:KK-261203-0007:4213") is None
    assert pickup_qr.parse_payload("https://example.com/LOKET1:KK-1:123456") is None


async def test_a_reference_that_is_not_a_payload_is_gone() -> None:
    with pytest.raises(AttachmentGone):
        await pickup_qr.PickupQrImages().read("pickup_qr:LOKET1:KK-1:12")


async def test_the_held_image_goes_when_the_resident_writes(loket: Loket, sessionmaker) -> None:
    from tests.support.resident import text_message

    ticket = await _ready(loket, sessionmaker, last_inbound=OUTSIDE)
    code = sent(loket)[0]["template"]["components"][0]["parameters"][3]["text"]
    hello = text_message("wamid.HI1", "halo, sudah bisa diambil?", wa_id="6281200007777")
    assert (await loket.post_webhook(hello)).status_code == 200
    await loket.drain()
    images = [m for m in sent(loket) if m.get("type") == "image"]
    assert [m["image"]["id"] for m in images] == ["media.UPLOAD1"]
    [upload] = loket.graph.uploads.values()
    assert upload.content == pickup_qr.png(f"LOKET1:{ticket}:{code}")
