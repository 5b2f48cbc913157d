"""Action forms on the request page: each move's happy path and its form error."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.db import unit_of_work
from app.outbox.models import OutboundMessage
from app.requests.handover import _code_hash
from app.requests.models import Request, RequestEvent
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0001"
URL = f"/dashboard/requests/{TICKET}/transitions"


async def _at(dash: Dashboard, world: World, status: str, **values: Any) -> None:
    await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Request).where(Request.ticket == TICKET).values(status=status, **values)
        )


async def _request(dash: Dashboard) -> Request:
    async with dash.sessionmaker() as session:
        stmt = select(Request).where(Request.ticket == TICKET)
        return (await session.execute(stmt)).scalar_one()


async def _last_event(dash: Dashboard) -> RequestEvent:
    async with dash.sessionmaker() as session:
        stmt = select(RequestEvent).order_by(RequestEvent.id.desc()).limit(1)
        return (await session.execute(stmt)).scalar_one()


async def _post(dash: Dashboard, token: str, **form: Any) -> Any:
    return await dash.client.post(URL, data={"csrf_token": token, **form})


async def test_submitted_to_in_review_redirects_back_with_a_notice(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    answer = await _post(dash, token, to="in_review", note="mulai diperiksa")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/dashboard/requests/{TICKET}?done=moved"
    assert (await _request(dash)).status == "in_review"
    event = await _last_event(dash)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        "operator:desa_a1",
        "submitted",
        "in_review",
        "mulai diperiksa",
    )
    page = await dash.client.get(answer.headers["location"])
    assert "Status permohonan sudah diubah." in page.text
    assert 'id="action-processing"' in page.text


async def test_a_move_the_status_machine_refuses_is_a_form_error(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    for target in ("processing", "cancelled", "tidak-ada"):
        answer = await _post(dash, token, to=target)
        assert answer.status_code == 409, target
        assert "Perubahan status ini tidak diizinkan sekarang." in answer.text
    assert (await _request(dash)).status == "submitted"


async def test_needs_correction_names_fields_and_documents(dash: Dashboard, world: World) -> None:
    await _at(dash, world, "in_review")
    token = await dash.sign_in("desa_a1")
    empty = await _post(dash, token, to="needs_correction", note="cek lagi")
    assert empty.status_code == 422
    assert "Pilih dokumen atau isian yang harus diperbaiki." in empty.text
    assert (await _request(dash)).status == "in_review"
    unknown_document = await _post(dash, token, to="needs_correction", documents="4242")
    assert unknown_document.status_code == 422
    done = await _post(dash, token, to="needs_correction", fields=["alamat"], note="RT/RW kurang")
    assert done.status_code == 303
    assert (await _request(dash)).status == "needs_correction"
    assert (await _last_event(dash)).data == {
        "documents": [],
        "requirements": [],
        "fields": ["alamat"],
    }


async def test_rejection_needs_a_reason(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    refused = await _post(dash, token, to="rejected", note="  ")
    assert refused.status_code == 422
    assert "Penolakan wajib disertai alasan." in refused.text
    done = await _post(dash, token, to="rejected", note="Bukan warga desa ini")
    assert done.status_code == 303
    assert (await _request(dash)).status == "rejected"
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert "Permohonan ini sudah selesai." in page.text


async def test_ready_for_pickup_prefills_the_office_and_sends_a_code(
    dash: Dashboard, world: World
) -> None:
    await _at(dash, world, "processing")
    token = await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert '<input name="place" id="pickup-place" value="Kantor DESA-A1"' in page.text
    done = await _post(dash, token, to="ready_for_pickup", place="Balai Desa", hours="Senin 08.00")
    assert done.status_code == 303
    request = await _request(dash)
    assert (request.status, request.pickup_place, request.pickup_hours) == (
        "ready_for_pickup",
        "Balai Desa",
        "Senin 08.00",
    )
    async with dash.sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    # Outside the window: the template, and the QR image held until the resident writes.
    assert [(r.body.get("template", {}).get("name"), r.body["type"], r.state) for r in rows] == [
        ("loket_siap_diambil", "template", "pending"),
        (None, "image", "held"),
    ]


async def test_completing_a_pickup_checks_the_code(dash: Dashboard, world: World) -> None:
    await _at(dash, world, "ready_for_pickup", pickup_code_hash=_code_hash(TICKET, "123456"))
    token = await dash.sign_in("desa_a1")
    page = await dash.client.get(f"/dashboard/requests/{TICKET}")
    assert 'id="pickup-code"' in page.text
    missing = await _post(dash, token, to="completed")
    assert missing.status_code == 422
    assert "Isi kode pengambilan dari warga." in missing.text
    wrong = await _post(dash, token, to="completed", code="654321")
    assert wrong.status_code == 409
    assert "Kode pengambilan salah." in wrong.text
    assert (await _request(dash)).status == "ready_for_pickup"
    done = await _post(dash, token, to="completed", code=" 123456 ")
    assert done.status_code == 303
    assert (await _request(dash)).status == "completed"
    assert (await _last_event(dash)).data == {"pickup_code": "verified", "collected_by": "resident"}


async def test_completing_without_the_code_needs_a_note_and_is_recorded(
    dash: Dashboard, world: World
) -> None:
    await _at(dash, world, "ready_for_pickup", pickup_code_hash=_code_hash(TICKET, "123456"))
    token = await dash.sign_in("desa_a1")
    refused = await _post(dash, token, to="completed", override="1")
    assert refused.status_code == 422
    assert "Menyelesaikan tanpa kode wajib disertai catatan." in refused.text
    done = await _post(dash, token, to="completed", override="1", note="HP warga hilang")
    assert done.status_code == 303
    event = await _last_event(dash)
    assert (event.actor, event.to_status, event.note, event.data) == (
        "operator:desa_a1",
        "completed",
        "HP warga hilang",
        {"pickup_code": "overridden", "collected_by": "resident"},
    )
    async with dash.sessionmaker() as session:
        audit = (await session.execute(select(AuditEvent))).scalars().all()
    assert [(a.actor, a.action, a.target, a.detail) for a in audit] == [
        ("operator:desa_a1", "login", "desa_a1", {}),
        ("operator:desa_a1", "pickup_override", TICKET, {"note": "HP warga hilang"}),
    ]


async def test_form_errors_follow_the_operator_language(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    await dash.client.get("/dashboard/?lang=en")
    refused = await _post(dash, token, to="rejected")
    assert refused.status_code == 422
    assert "A rejection needs a reason." in refused.text


async def test_another_village_cannot_move_the_request(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_b1")
    answer = await _post(dash, token, to="in_review")
    assert answer.status_code == 404
    assert (await _request(dash)).status == "submitted"


async def test_every_action_form_says_its_note_is_sent_to_the_resident(
    dash: Dashboard, world: World
) -> None:
    await _at(dash, world, "in_review")
    token = await dash.sign_in("desa_a1")
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    moves = ["needs_correction", "processing", "rejected"]
    for move in moves:
        hint = (
            f'<small class="hint note-hint" id="note-hint-{move}">Catatan ini akan dikirim ke '
            'pemohon bersama kabar perubahan status. <a href="#note-form">Catatan yang tidak '
            "dikirim: tulis di Catatan internal.</a></small>"
        )
        assert hint in page, move
    assert page.count('<label for="note-') == len(moves)
    assert '<label for="note-processing">Catatan untuk pemohon (tidak wajib)</label>' in page
    assert '<label for="note-rejected">Alasan penolakan untuk pemohon (wajib)</label>' in page
    # The internal note has its own box, which says it is not sent.
    assert "Catatan internal (tidak dikirim ke pemohon)" in page

    answer = await _post(dash, token, to="processing", note="Tunggu SMS dari kami.")
    assert answer.status_code == 303
    async with dash.sessionmaker() as session:
        bodies = (
            (await session.execute(select(OutboundMessage.body).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    assert [b["text"]["body"] for b in bodies if b.get("type") == "text"] == [
        f"Berkas permohonan {TICKET} (KTP-el) sudah lengkap dan sedang diproses. ✅\n"
        "Catatan petugas: Tunggu SMS dari kami."
    ]


def _form(page: str, form_id: str) -> str:
    found = re.search(rf'<form [^>]*id="{form_id}".*?</form>', page, re.S)
    assert found is not None, form_id
    return found.group(0)


async def test_a_form_error_stands_in_its_own_form(dash: Dashboard, world: World) -> None:
    await _at(dash, world, "in_review")
    token = await dash.sign_in("desa_a1")
    answer = await _post(dash, token, to="needs_correction", note="kurang")
    assert answer.status_code == 422
    error = (
        '<p class="error form-error" id="form-error" data-for="action-needs_correction" '
        'role="alert" tabindex="-1" autofocus>Pilih dokumen atau isian yang harus diperbaiki.</p>'
    )
    assert error in _form(answer.text, "action-needs_correction")
    assert answer.text.count('id="form-error"') == 1
    empty = await dash.client.post(
        f"/dashboard/requests/{TICKET}/messages", data={"csrf_token": token, "text": " "}
    )
    assert empty.status_code == 422
    assert "Tulis isi balasan." in _form(empty.text, "reply-form")
    # A move the request can no longer make: its form is gone, so the reason is on top.
    stale = await _post(dash, token, to="completed")
    assert stale.status_code == 409
    assert (
        '<p class="error" id="form-error" role="alert">Perubahan status ini tidak diizinkan '
        "sekarang.</p>"
    ) in stale.text


async def test_reject_is_a_red_button_apart_from_the_others(dash: Dashboard, world: World) -> None:
    await _at(dash, world, "in_review")
    await dash.sign_in("desa_a1")
    page = (await dash.client.get(f"/dashboard/requests/{TICKET}")).text
    zone = re.search(r'<div class="danger-zone" id="danger-zone">(.*?)</div>', page, re.S)
    assert zone is not None
    assert 'id="action-rejected"' in zone.group(1)
    assert '<button type="submit" class="danger">Tolak</button>' in zone.group(1)
    assert page.count('class="danger"') == 1
    buttons = re.findall(
        r'<button type="submit">([^<]+)</button>', _form(page, "action-processing")
    )
    assert buttons == ["Proses berkas"]
