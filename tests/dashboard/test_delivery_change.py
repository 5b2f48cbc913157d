"""An operator changes how the result reaches the resident, who asked at the counter or by
phone: only before processing, only a way the service offers, home with an address; the
resident is told on WhatsApp and the history says who changed it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.db import unit_of_work
from app.outbox.models import OutboundMessage
from app.requests.models import Request, RequestEvent
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

KK = "KK-261120-0001"  # Siti's, submitted at KEC-A
PAGE = f"/dashboard/requests/{KK}"


async def _post(dash: Dashboard, token: str, **form: Any) -> Any:
    return await dash.client.post(f"{PAGE}/delivery", data={"csrf_token": token, **form})


async def _request(dash: Dashboard) -> Request:
    async with dash.sessionmaker() as session:
        return (await session.execute(select(Request).where(Request.ticket == KK))).scalar_one()


async def _told(dash: Dashboard) -> list[str]:
    async with dash.sessionmaker() as session:
        rows = await session.execute(select(OutboundMessage.body).order_by(OutboundMessage.id))
        return [body["text"]["body"] for (body,) in rows if body.get("type") == "text"]


async def test_home_delivery_with_the_address_and_the_resident_is_told(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("kec_a")
    page = (await dash.client.get(PAGE)).text
    assert '<option value="pickup" selected>Diambil di kantor</option>' in page
    answer = await _post(dash, token, delivery="home", address="  Jl. Melati 3,\n RT 02  ")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{PAGE}?done=delivery"
    request = await _request(dash)
    assert (request.delivery, request.fields["alamat_antar"]) == ("home", "Jl. Melati 3, RT 02")
    async with dash.sessionmaker() as session:
        event = (
            await session.execute(select(RequestEvent).order_by(RequestEvent.id.desc()).limit(1))
        ).scalar_one()
    assert (event.actor, event.data) == (
        "operator:kec_a",
        {"kind": "delivery", "from": "pickup", "to": "home"},
    )
    assert await _told(dash) == [
        "Atas permintaan Anda, petugas mengubah cara menerima Kartu Keluarga (KK) (permohonan "
        f"{KK}): nanti diantar ke Jl. Melati 3, RT 02."
    ]
    page = (await dash.client.get(f"{PAGE}?done=delivery")).text
    assert "Cara menerima diubah; warga sudah diberi tahu." in page
    assert "Diantar ke rumah: Jl. Melati 3, RT 02" in page


async def test_refusals_stand_beside_the_form(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("kec_a")
    for form, error in [
        ({"delivery": "home"}, "Tulis alamat antar untuk kurir."),
        ({"delivery": "drone"}, "Pilih cara menerima."),
    ]:
        answer = await _post(dash, token, **form)
        assert answer.status_code == 422
        assert 'data-for="delivery-form"' in answer.text and error in answer.text
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Request).where(Request.ticket == KK).values(status="processing")
        )
    answer = await _post(dash, token, delivery="digital")
    assert answer.status_code == 422
    assert "Permohonan sudah diproses; cara menerima tidak bisa diubah lagi." in answer.text
    assert (await _request(dash)).delivery == "pickup"
    assert await _told(dash) == []
