"""Home delivery on the request page: the courier form, the code form, and the words shown."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.db import unit_of_work
from app.requests.handover import _code_hash
from app.requests.models import Request, RequestEvent
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0001"
PAGE = f"/dashboard/requests/{TICKET}"


async def _at(dash: Dashboard, world: World, status: str, **values: Any) -> None:
    await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Request).where(Request.ticket == TICKET).values(status=status, **values)
        )


async def _request(dash: Dashboard) -> Request:
    async with dash.sessionmaker() as session:
        return (await session.execute(select(Request).where(Request.ticket == TICKET))).scalar_one()


async def _last_event(dash: Dashboard) -> RequestEvent:
    async with dash.sessionmaker() as session:
        stmt = select(RequestEvent).order_by(RequestEvent.id.desc()).limit(1)
        return (await session.execute(stmt)).scalar_one()


async def _post(dash: Dashboard, token: str, **form: Any) -> Any:
    return await dash.client.post(f"{PAGE}/transitions", data={"csrf_token": token, **form})


def _form(html: str, move: str) -> str:
    found = re.search(rf'<form[^>]*id="action-{move}".*?</form>', html, re.S)
    assert found is not None, move
    return found[0]


def _form_error(html: str) -> tuple[str, str]:
    found = re.search(
        r'<p class="error form-error" id="form-error" data-for="([^"]+)"[^>]*>([^<]*)', html
    )
    assert found is not None
    return found[1], found[2]


async def test_the_send_out_form_asks_for_the_courier(dash: Dashboard, world: World) -> None:
    await _at(dash, world, "processing")
    token = await dash.sign_in("desa_a1")
    form = _form((await dash.client.get(PAGE)).text, "out_for_delivery")
    assert 'name="courier_name"' in form
    assert 'name="courier_tracking"' in form
    refused = await _post(dash, token, to="out_for_delivery", courier_name="  ")
    assert refused.status_code == 422
    assert _form_error(refused.text) == (
        "action-out_for_delivery",
        "Isi nama kurir atau nomor resi.",
    )
    assert (await _request(dash)).status == "processing"
    too_long = await _post(dash, token, to="out_for_delivery", courier_tracking="x" * 101)
    assert too_long.status_code == 422
    assert _form_error(too_long.text) == ("action-out_for_delivery", "Isian formulir tidak valid.")


async def test_sent_out_the_page_shows_the_courier_in_words(dash: Dashboard, world: World) -> None:
    await _at(dash, world, "processing")
    token = await dash.sign_in("desa_a1")
    done = await _post(
        dash, token, to="out_for_delivery", courier_name=" Andi ", courier_tracking="PI-42"
    )
    assert done.status_code == 303
    request = await _request(dash)
    assert (request.status, request.courier_name, request.courier_tracking) == (
        "out_for_delivery",
        "Andi",
        "PI-42",
    )
    assert (await _last_event(dash)).data == {"courier": {"name": "Andi", "tracking": "PI-42"}}
    page = (await dash.client.get(PAGE)).text
    card = re.search(r'<section class="card" id="delivery">.*?</section>', page, re.S)
    assert card is not None
    assert re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card[0])).strip() == (
        "Pengantaran Nama kurir Andi Nomor resi PI-42 Warga memberikan kode penerimaan kepada"
        " kurir saat dokumen diterima. Masukkan kode itu di Selesaikan."
    )
    assert '<span class="courier">Nama kurir: Andi · Nomor resi: PI-42</span>' in page
    completion = _form(page, "completed")
    assert 'id="delivery-code"' in completion
    assert "Kode penerimaan (dari kurir atau warga)" in completion


async def test_completing_a_delivery_checks_the_code(dash: Dashboard, world: World) -> None:
    await _at(
        dash,
        world,
        "out_for_delivery",
        courier_name="Andi",
        pickup_code_hash=_code_hash(TICKET, "123456"),
    )
    token = await dash.sign_in("desa_a1")
    missing = await _post(dash, token, to="completed")
    assert missing.status_code == 422
    assert _form_error(missing.text) == (
        "action-completed",
        "Isi kode penerimaan yang diberikan warga kepada kurir.",
    )
    wrong = await _post(dash, token, to="completed", code="654321")
    assert wrong.status_code == 409
    assert _form_error(wrong.text) == ("action-completed", "Kode penerimaan salah.")
    assert (await _request(dash)).status == "out_for_delivery"
    done = await _post(dash, token, to="completed", code=" 123456 ")
    assert done.status_code == 303
    event = await _last_event(dash)
    assert (event.actor, event.to_status, event.data) == (
        "operator:desa_a1",
        "completed",
        {"delivery_code": "verified"},
    )
    page = (await dash.client.get(PAGE)).text
    assert '<em class="handover">Kode penerimaan cocok</em>' in page


async def test_completing_a_delivery_without_the_code_is_audited(
    dash: Dashboard, world: World
) -> None:
    await _at(dash, world, "out_for_delivery", courier_tracking="PI-42")
    token = await dash.sign_in("desa_a1")
    await dash.client.get("/dashboard/?lang=en")
    refused = await _post(dash, token, to="completed", override="1")
    assert _form_error(refused.text) == (
        "action-completed",
        "Completing without the code needs a note.",
    )
    wrong = await _post(dash, token, to="completed", code="000000")
    assert _form_error(wrong.text) == ("action-completed", "Wrong delivery code.")
    done = await _post(dash, token, to="completed", override="1", note="Kurir lupa kodenya")
    assert done.status_code == 303
    assert (await _last_event(dash)).data == {"delivery_code": "overridden"}
    async with dash.sessionmaker() as session:
        audit = (await session.execute(select(AuditEvent))).scalars().all()
    assert [(a.actor, a.action, a.target, a.detail) for a in audit][-1] == (
        "operator:desa_a1",
        "delivery_override",
        TICKET,
        {"note": "Kurir lupa kodenya"},
    )
    page = (await dash.client.get(PAGE)).text
    assert '<em class="handover">Completed without the delivery code</em>' in page
