"""The queue's work filters, assignment and notes on the request page, and the pre-check guard."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update

from app.db import unit_of_work
from app.operators.models import Operator
from app.requests.models import Request, RequestEvent
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0001"  # DESA-A1, submitted
ROW = re.compile(r'data-ticket="([A-Z0-9-]+)"')


async def _tickets(dash: Dashboard, query: str) -> list[str]:
    page = await dash.client.get(f"/dashboard/?{query}")
    assert page.status_code == 200, page.text
    return ROW.findall(page.text)


async def _set(dash: Dashboard, ticket: str, **values: object) -> None:
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(update(Request).where(Request.ticket == ticket).values(**values))


async def _operator_id(dash: Dashboard, username: str) -> int:
    async with dash.sessionmaker() as session:
        stmt = select(Operator.id).where(Operator.username == username)
        return (await session.execute(stmt)).scalar_one()


async def test_mine_overdue_and_office_filters(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await _set(dash, "KK-261120-0001", assigned_operator_id=await _operator_id(dash, "kec_a"))
    await _set(dash, "KTP-261120-0002", due_date=date(2020, 1, 1))
    await dash.sign_in("kec_a")
    assert await _tickets(dash, "") == ["KK-261120-0001", "KTP-261120-0002", TICKET]
    assert await _tickets(dash, "mine=1") == ["KK-261120-0001"]
    assert await _tickets(dash, "overdue=1") == ["KTP-261120-0002"]
    assert await _tickets(dash, "office=DESA-A2") == ["KTP-261120-0002"]
    assert await _tickets(dash, "office=DESA-A2&mine=1") == []
    # The filters are kept in the form and in the export links.
    page = await dash.client.get("/dashboard/?office=DESA-A1&mine=1&status=submitted")
    assert 'id="filter-mine" checked' in page.text
    assert 'href="/dashboard/export.csv?status=submitted&amp;office=DESA-A1"' in page.text


async def test_a_completed_request_is_never_overdue(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await _set(dash, "KTP-261120-0005", due_date=date(2020, 1, 1))
    await dash.sign_in("root")
    assert await _tickets(dash, "overdue=1") == []


async def test_the_precheck_filter_shows_what_the_village_must_still_check(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    await _set(dash, "KK-261120-0001", precheck_office_id=world.offices["DESA-A1"])
    await dash.sign_in("desa_a1")
    assert await _tickets(dash, "precheck=1") == ["KK-261120-0001"]
    assert await _tickets(dash, "") == ["KK-261120-0001", TICKET]


async def test_taking_returning_and_assigning_a_request(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("kec_a")
    url = f"/dashboard/requests/{TICKET}/assignment"
    taken = await dash.client.post(url, data={"csrf_token": token, "assignee": "me"})
    assert taken.status_code == 303
    assert taken.headers["location"] == f"/dashboard/requests/{TICKET}?done=assigned"
    page = await dash.client.get(taken.headers["location"])
    assert "Petugas penanganan diperbarui." in page.text
    assert "Ditangani oleh: <strong>kec_a</strong>" in page.text
    assert await _tickets(dash, "mine=1") == [TICKET]
    given = await dash.client.post(url, data={"csrf_token": token, "assignee": "desa_a1"})
    assert given.status_code == 303
    assert await _tickets(dash, "mine=1") == []
    wrong = await dash.client.post(url, data={"csrf_token": token, "assignee": "desa_b1"})
    assert wrong.status_code == 422
    assert "tidak bekerja di kantor yang menangani" in wrong.text
    unknown = await dash.client.post(url, data={"csrf_token": token, "assignee": "siapa"})
    assert unknown.status_code == 422
    back = await dash.client.post(url, data={"csrf_token": token, "assignee": ""})
    assert back.status_code == 303
    async with dash.sessionmaker() as session:
        stmt = select(RequestEvent.actor, RequestEvent.data).where(RequestEvent.to_status.is_(None))
        assert list(await session.execute(stmt.order_by(RequestEvent.id))) == [
            ("operator:kec_a", {"kind": "assigned", "assignee": "kec_a"}),
            ("operator:kec_a", {"kind": "assigned", "assignee": "desa_a1"}),
            ("operator:kec_a", {"kind": "assigned", "assignee": None}),
        ]


async def test_a_note_needs_csrf_and_text_and_shows_in_the_history(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    url = f"/dashboard/requests/{TICKET}/notes"
    forged = await dash.client.post(url, data={"csrf_token": "x", "note": "hai"})
    assert forged.status_code == 403
    empty = await dash.client.post(url, data={"csrf_token": token, "note": "  "})
    assert empty.status_code == 422
    assert "Catatan tidak boleh kosong." in empty.text
    saved = await dash.client.post(url, data={"csrf_token": token, "note": "Foto KK buram"})
    assert saved.status_code == 303
    page = await dash.client.get(saved.headers["location"])
    assert 'data-kind="note" class="note"' in page.text
    assert "<q>Foto KK buram</q>" in page.text


async def test_a_village_that_only_prechecks_cannot_move_or_reply(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    await _set(dash, "KK-261120-0001", precheck_office_id=world.offices["DESA-A1"])
    token = await dash.sign_in("desa_a1")
    base = "/dashboard/requests/KK-261120-0001"
    page = await dash.client.get(base)
    assert page.status_code == 200
    assert 'id="precheck-only"' in page.text
    assert 'id="reply-form"' not in page.text and 'id="action-in_review"' not in page.text
    for path, form in (
        ("/transitions", {"to": "in_review"}),
        ("/messages", {"text": "halo"}),
        ("/notes", {"note": "catatan"}),
        ("/assignment", {"assignee": "me"}),
    ):
        answer = await dash.client.post(base + path, data={"csrf_token": token, **form})
        assert answer.status_code == 403, path
        assert "Kantor Anda hanya melakukan pra-periksa permohonan ini." in answer.text
    async with dash.sessionmaker() as session:
        stmt = select(Request.status, Request.assigned_operator_id)
        row = (await session.execute(stmt.where(Request.ticket == "KK-261120-0001"))).one()
        assert tuple(row) == ("submitted", None)


async def test_a_filter_with_a_nul_character_is_a_form_error(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("kec_a")
    answer = await dash.client.get("/dashboard/", params={"q": "a\x00b"})
    assert answer.status_code == 422
    assert 'data-ticket="' not in answer.text
