"""The request page shows who may collect, and the completion records who did."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from app.db import unit_of_work
from app.requests.handover import _code_hash
from app.requests.models import Request, RequestEvent
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0001"
URL = f"/dashboard/requests/{TICKET}/transitions"
NIK = "7307054506900002"


async def _ready(dash: Dashboard, world: World, **values: Any) -> None:
    await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Request)
            .where(Request.ticket == TICKET)
            .values(
                status="ready_for_pickup",
                service_code="kk",
                pickup_code_hash=_code_hash(TICKET, "123456"),
                **values,
            )
        )


async def _history(dash: Dashboard) -> list[tuple[str | None, dict[str, Any]]]:
    async with dash.sessionmaker() as session:
        rows = await session.execute(
            select(RequestEvent.to_status, RequestEvent.data).order_by(RequestEvent.id)
        )
        return [(to, data) for to, data in rows]


async def test_the_named_collector_is_shown_and_recorded(dash: Dashboard, world: World) -> None:
    await _ready(dash, world, proxy_name="Rina Wati", proxy_nik=NIK)
    token = await dash.sign_in("desa_a1")
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    assert '<dd id="proxy-name">Rina Wati</dd>' in page
    assert f'<dd id="proxy-nik">{NIK}</dd>' in page  # in full here, as the other NIKs
    assert '<input type="radio" name="collected_by" value="proxy">' in page
    assert "data-scan>Pindai kode</button>" in page
    done = await dash.client.post(
        URL,
        data={"csrf_token": token, "to": "completed", "code": "123456", "collected_by": "proxy"},
    )
    assert done.status_code == 303
    assert (await _history(dash))[-1] == (
        "completed",
        {"pickup_code": "verified", "collected_by": "proxy"},
    )
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    assert '<em class="collected-by">Diambil oleh: Rina Wati</em>' in page


async def test_without_a_named_collector_proxy_is_a_form_error(
    dash: Dashboard, world: World
) -> None:
    await _ready(dash, world)
    token = await dash.sign_in("desa_a1")
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    assert 'id="proxy"' not in page and 'name="collected_by"' not in page
    refused = await dash.client.post(
        URL,
        data={"csrf_token": token, "to": "completed", "code": "123456", "collected_by": "proxy"},
    )
    assert refused.status_code == 422
    assert "Pilih siapa yang mengambil." in refused.text
    done = await dash.client.post(
        URL, data={"csrf_token": token, "to": "completed", "code": "123456"}
    )
    assert done.status_code == 303
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    assert '<em class="collected-by">Diambil oleh: Siti Aminah</em>' in page
