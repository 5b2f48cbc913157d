"""Operator actions and what the resident receives, inside and outside Meta's 24-hour window."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import unit_of_work
from app.outbox.models import OutboundMessage
from app.requests import lifecycle
from app.requests.models import RequestEvent
from app.requests.service import TransitionNotAllowed
from app.requests.status import RequestStatus as S
from tests.support.lifecycle import OUTSIDE, move, sent
from tests.support.loket import Loket
from tests.support.request_rows import create_request, load


async def test_review_sends_a_short_free_form_text(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker)
    await move(loket, ticket, S.IN_REVIEW)
    await loket.drain()
    assert sent(loket) == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "type": "text",
            "text": {
                "preview_url": False,
                "body": f"Permohonan {ticket} (KTP-el) sedang diperiksa petugas.",
            },
            "to": "+6281200007777",
        }
    ]


async def _ready(loket: Loket, sessionmaker, **create) -> str:
    _, ticket = await create_request(sessionmaker, status="processing", **create)
    await move(loket, ticket, S.READY_FOR_PICKUP, pickup_place="Kantor Camat Contoh")
    await loket.drain()
    return ticket


async def test_ready_for_pickup_sends_place_hours_and_a_one_time_code(
    loket: Loket, sessionmaker
) -> None:
    """Inside the window: free-form, with the code; completing needs exactly that code."""
    ticket = await _ready(loket, sessionmaker)
    message, image = sent(loket)  # the QR image follows (tests/requests/test_pickup_qr.py)
    assert image["type"] == "image"
    body = message["text"]["body"]
    assert body.startswith("KTP-el Anda siap diambil di Kantor Camat Contoh, Senin–Jumat")
    code = re.search(r"kode pengambilan (\d{6})", body)
    assert code is not None
    assert ticket in body

    with pytest.raises(lifecycle.PickupCodeMismatch):
        await move(loket, ticket, S.COMPLETED, code="000000" if code[1] != "000000" else "111111")
    with pytest.raises(lifecycle.InvalidTransitionInput):
        await move(loket, ticket, S.COMPLETED)
    await move(loket, ticket, S.COMPLETED, code=code[1])
    request = await load(sessionmaker, ticket)
    assert request.status == "completed"
    async with sessionmaker() as session:
        history = (await session.execute(select(RequestEvent))).scalars().all()
    assert [(h.to_status, h.data.get("pickup_code")) for h in history][-1] == (
        "completed",
        "verified",
    )


async def test_outside_the_window_ready_for_pickup_is_a_template(
    loket: Loket, sessionmaker
) -> None:
    ticket = await _ready(loket, sessionmaker, last_inbound=OUTSIDE)
    (message,) = sent(loket)
    assert message["type"] == "template"
    template = message["template"]
    assert template["name"] == "loket_siap_diambil"
    assert template["language"] == {"code": "id"}
    params = [p["text"] for p in template["components"][0]["parameters"]]
    assert params[0:2] == ["KTP-el", "Kantor Camat Contoh"]
    assert re.fullmatch(r"\d{6}", params[3])
    assert params[4] == ticket


async def test_meta_131047_falls_back_to_the_template(loket: Loket, sessionmaker) -> None:
    """Our window clock said open, Meta said closed: the approved template goes instead."""
    loket.graph.fail_next(131047, times=1)
    await _ready(loket, sessionmaker)
    first, image, second = sent(loket)
    assert first["type"] == "text"
    assert second["type"] == "template"
    assert second["template"]["name"] == "loket_siap_diambil"
    # The fake refuses once, so the QR image (queued right after the text) is taken; had Meta
    # refused it too, it has no template of its own and would be given up.
    assert image["type"] == "image"
    async with sessionmaker() as session:
        states = (await session.execute(select(OutboundMessage.state))).scalars().all()
    assert sorted(states) == ["cancelled", "sent", "sent"]


async def test_rejection_needs_a_reason_and_says_it(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, status="in_review")
    with pytest.raises(lifecycle.InvalidTransitionInput):
        await move(loket, ticket, S.REJECTED)
    await move(loket, ticket, S.REJECTED, note="Data tidak sesuai database")
    await loket.drain()
    (message,) = sent(loket)
    assert "Alasan: Data tidak sesuai database" in message["text"]["body"]


async def test_a_move_the_machine_forbids_is_refused(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker)
    with pytest.raises(TransitionNotAllowed, match="cannot move to completed"):
        await move(loket, ticket, S.COMPLETED)
    await loket.drain()
    assert sent(loket) == []


async def test_correction_names_unknown_fields_or_nothing_is_refused(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="in_review")
    with pytest.raises(lifecycle.InvalidTransitionInput, match="name the"):
        await move(loket, ticket, S.NEEDS_CORRECTION)
    with pytest.raises(lifecycle.InvalidTransitionInput, match="not in this service"):
        await move(loket, ticket, S.NEEDS_CORRECTION, fields=["shoe_size"])


async def test_correction_asks_for_exactly_the_named_field(loket: Loket, sessionmaker) -> None:
    """The engine asks for the field the operator named, through the resident's queue."""
    _, ticket = await create_request(sessionmaker, status="in_review")
    await move(loket, ticket, S.NEEDS_CORRECTION, fields=["alamat"], note="Alamat kurang lengkap")
    await loket.drain()
    bodies = [m["text"]["body"] for m in sent(loket) if m["type"] == "text"]
    joined = "\n".join(bodies)
    assert "Alamat kurang lengkap" in joined
    assert "alamat" in joined.lower()
    assert (await load(sessionmaker, ticket)).status == "needs_correction"


async def test_operator_reply_inside_outside_and_held(loket: Loket, sessionmaker) -> None:
    """Inside: sent. Outside: refused unless held; held replies go out when the resident writes."""
    _, ticket = await create_request(sessionmaker, last_inbound=OUTSIDE)
    async with unit_of_work(sessionmaker) as session:
        from app.requests.repository import get_by_ticket

        request = await get_by_ticket(session, ticket)
        assert request is not None
        with pytest.raises(lifecycle.WindowClosed):
            await lifecycle.send_operator_reply(
                session,
                settings=loket.runtime.settings,
                request=request,
                actor="operator:budi",
                text_body="Halo",
                now=datetime.now(UTC),
            )
        outcome = await lifecycle.send_operator_reply(
            session,
            settings=loket.runtime.settings,
            request=request,
            actor="operator:budi",
            text_body="Foto KK kurang jelas",
            now=datetime.now(UTC),
            hold_if_closed=True,
        )
    assert outcome == "held"
    await loket.drain()
    (invitation,) = sent(loket)
    assert invitation["template"]["name"] == "loket_pesan_menunggu"
    payload = invitation["template"]["components"][-1]["parameters"][0]["payload"]
    assert payload == "held:read"

    from tests.support.resident import text_message

    tap = text_message("wamid.TAP1", "", wa_id="6281200007777")
    message = tap["entry"][0]["changes"][0]["value"]["messages"][0]
    message.pop("text")
    message.update(type="button", button={"payload": "held:read", "text": "Baca pesan"})
    assert (await loket.post_webhook(tap)).status_code == 200
    await loket.drain()
    released = [m for m in sent(loket)[1:] if m.get("type") == "text"]
    assert [m["text"]["body"] for m in released] == [
        f"Pesan dari petugas ({ticket}):\nFoto KK kurang jelas"
    ]


async def test_a_digital_request_completes_from_processing_only_once_issued(
    loket: Loket, sessionmaker
) -> None:
    """Without the issued PDF there is nothing to hand over: the operator is told to upload it."""
    _, ticket = await create_request(sessionmaker, status="processing", delivery="digital")
    with pytest.raises(lifecycle.InvalidTransitionInput, match="upload the issued PDF first"):
        await move(loket, ticket, S.COMPLETED)
    assert (await load(sessionmaker, ticket)).status == S.PROCESSING


async def test_a_pickup_request_cannot_complete_from_processing(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, status="processing")
    with pytest.raises(TransitionNotAllowed, match="cannot move to completed"):
        await move(loket, ticket, S.COMPLETED)
