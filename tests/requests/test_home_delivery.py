"""Home delivery: the courier named, the resident told (with the code to give), the code checked.

Inside the 24-hour window the resident gets the full text; outside it the approved template
`loket_diantar` carries the same facts. Completing asks for the code the resident gave the
courier, exactly as a pickup asks for the code shown at the counter.
"""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.requests import lifecycle
from app.requests.home_delivery import Courier
from app.requests.models import RequestEvent
from app.requests.status import RequestStatus as S
from tests.support.lifecycle import OUTSIDE, move, sent
from tests.support.loket import Loket
from tests.support.request_rows import create_request, load

ADDRESS = {"alamat": "Jl. Poros Lappa No. 5,\nRT 02/RW 01, Lappa"}
BOTH = Courier(name="Andi", tracking="PI2612030042")


@pytest.fixture(autouse=True)
def fixed_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "randbelow", lambda _: 482913)


async def _events(sessionmaker) -> list[RequestEvent]:
    async with sessionmaker() as session:
        stmt = select(RequestEvent).order_by(RequestEvent.id)
        return list((await session.execute(stmt)).scalars())


async def test_inside_the_window_the_resident_reads_courier_address_and_code(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="processing", fields=ADDRESS)
    await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=BOTH)
    await loket.drain()
    (message,) = sent(loket)
    assert message["text"]["body"] == (
        f"KTP-el Anda (permohonan {ticket}) sedang diantar ke Jl. Poros Lappa No. 5, "
        "RT 02/RW 01, Lappa.\n"
        "Kurir: Andi, nomor resi: PI2612030042\n"
        "Berikan kode penerimaan 482913 kepada kurir saat Anda menerimanya."
    )
    request = await load(sessionmaker, ticket)
    assert (request.status, request.courier_name, request.courier_tracking) == (
        "out_for_delivery",
        "Andi",
        "PI2612030042",
    )
    assert lifecycle.is_pickup_code(request, "482913")
    assert (await _events(sessionmaker))[-1].data == {
        "courier": {"name": "Andi", "tracking": "PI2612030042"}
    }


async def test_in_english_with_a_tracking_number_only_and_no_address(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="processing", language="en")
    await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=Courier.of("  ", " JNE-77 "))
    await loket.drain()
    (message,) = sent(loket)
    assert message["text"]["body"] == (
        f"Your ID card (KTP-el) (request {ticket}) is on its way to your address.\n"
        "Tracking number: JNE-77\n"
        "Give the code 482913 to the courier when you receive it."
    )
    assert (await load(sessionmaker, ticket)).courier_name is None


@pytest.mark.parametrize(
    ("language", "courier", "words", "address"),
    [
        ("id", BOTH, "Kurir: Andi, nomor resi: PI2612030042", ADDRESS),
        ("en", Courier(name="Andi"), "Courier: Andi", {}),
    ],
)
async def test_outside_the_window_the_template_carries_the_same_facts(
    loket: Loket, sessionmaker, language: str, courier: Courier, words: str, address: dict
) -> None:
    _, ticket = await create_request(
        sessionmaker, status="processing", last_inbound=OUTSIDE, language=language, fields=address
    )
    await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=courier)
    await loket.drain()
    (message,) = sent(loket)
    assert message["template"]["name"] == "loket_diantar"
    assert message["template"]["language"] == {"code": language}
    params = [p["text"] for p in message["template"]["components"][0]["parameters"]]
    where = "Jl. Poros Lappa No. 5, RT 02/RW 01, Lappa" if address else "your address"
    service = "KTP-el" if language == "id" else "ID card (KTP-el)"
    assert params == [service, ticket, where, words, "482913"]


async def test_without_a_courier_nothing_moves_and_nothing_is_sent(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="processing")
    for courier in (None, Courier.of(" ", "")):
        with pytest.raises(lifecycle.InvalidTransitionInput, match="say who delivers"):
            await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=courier)
    await loket.drain()
    assert sent(loket) == []
    assert (await load(sessionmaker, ticket)).status == "processing"


async def test_completion_needs_the_code_the_resident_gave_the_courier(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="processing")
    await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=BOTH)
    with pytest.raises(lifecycle.PickupCodeMismatch, match="wrong delivery code"):
        await move(loket, ticket, S.COMPLETED, code="111111")
    with pytest.raises(lifecycle.InvalidTransitionInput, match="delivery `code`"):
        await move(loket, ticket, S.COMPLETED, code="  ")
    assert (await load(sessionmaker, ticket)).status == "out_for_delivery"
    await move(loket, ticket, S.COMPLETED, code=" 482913 ")
    assert (await load(sessionmaker, ticket)).status == "completed"
    last = (await _events(sessionmaker))[-1]
    assert (last.actor, last.from_status, last.to_status, last.data) == (
        "operator:budi",
        "out_for_delivery",
        "completed",
        {"delivery_code": "verified"},
    )


async def test_completing_without_the_code_is_recorded_and_audited(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="processing")
    await move(loket, ticket, S.OUT_FOR_DELIVERY, courier=BOTH)
    await move(loket, ticket, S.COMPLETED, override_code=True, note="Kurir lupa mencatat kode")
    last = (await _events(sessionmaker))[-1]
    assert (last.actor, last.to_status, last.data) == (
        "operator:budi",
        "completed",
        {"delivery_code": "overridden"},
    )
    async with sessionmaker() as session:
        audit = (await session.execute(select(AuditEvent))).scalars().all()
    assert [(a.actor, a.action, a.target, a.detail) for a in audit] == [
        ("operator:budi", "delivery_override", ticket, {"note": "Kurir lupa mencatat kode"})
    ]
