"""The queue page: scope, masking, filters, search, overdue flag and cursor pagination."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update

from app.dashboard import router
from app.db import unit_of_work
from app.requests.models import Request
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

TICKET_LINK = re.compile(r'class="ticket" href="/dashboard/requests/([A-Z0-9-]+)"')


def tickets(html: str) -> list[str]:
    return TICKET_LINK.findall(html)


async def test_a_village_operator_sees_only_their_village(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("desa_a1")
    page = await dash.client.get("/dashboard/")
    # KTP-261120-0004 is still collecting: listed only when asked for by status.
    assert tickets(page.text) == ["KTP-261120-0001"]


async def test_a_district_operator_sees_its_villages_newest_first(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("kec_a")
    page = await dash.client.get("/dashboard/")
    assert tickets(page.text) == ["KK-261120-0001", "KTP-261120-0002", "KTP-261120-0001"]


async def test_niks_are_masked_in_the_queue(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("desa_a1")
    page = await dash.client.get("/dashboard/")
    assert '<td class="nik" data-label="NIK">3201********0003</td>' in page.text
    assert "3201014508900003" not in page.text


async def test_filters_and_search(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("kec_a")
    by_status = await dash.client.get("/dashboard/", params={"status": "in_review"})
    assert tickets(by_status.text) == ["KTP-261120-0002"]
    by_service = await dash.client.get("/dashboard/", params={"service": "kk"})
    assert tickets(by_service.text) == ["KK-261120-0001"]
    by_name = await dash.client.get("/dashboard/", params={"q": "budi"})
    assert tickets(by_name.text) == ["KTP-261120-0002"]
    by_phone = await dash.client.get("/dashboard/", params={"q": "0899-0000-0002"})
    assert tickets(by_phone.text) == ["KTP-261120-0002"]
    by_nik = await dash.client.get("/dashboard/", params={"q": "3201021203850001"})
    assert tickets(by_nik.text) == ["KTP-261120-0002"]
    collecting = await dash.client.get("/dashboard/", params={"status": "collecting"})
    assert tickets(collecting.text) == ["KTP-261120-0004"]


async def test_an_unknown_status_is_a_friendly_error(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("kec_a")
    page = await dash.client.get("/dashboard/", params={"status": "hilang"})
    assert page.status_code == 422
    assert "Filter tidak valid." in page.text
    assert tickets(page.text) == []


async def test_overdue_requests_are_flagged_unless_final(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(update(Request).values(due_date=date(2020, 1, 1)))
        await session.execute(
            update(Request)
            .where(Request.ticket == "KTP-261120-0001")
            .values(due_date=date(2999, 1, 1))
        )
    await dash.sign_in("kab")
    page = await dash.client.get("/dashboard/")
    overdue = re.findall(r'<tr class="overdue" data-ticket="([A-Z0-9-]+)"', page.text)
    # KTP-261120-0005 is completed and KTP-261120-0001 is not yet due.
    assert overdue == ["KTP-261120-0003", "KK-261120-0001", "KTP-261120-0002"]
    assert "Terlambat" in page.text


async def test_cursor_pagination_walks_every_request_once(
    dash: Dashboard, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(router, "PAGE_SIZE", 2)
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("root")
    seen: list[str] = []
    url: str | None = "/dashboard/?service=ktp"
    while url is not None:
        page = await dash.client.get(url)
        assert page.status_code == 200
        seen.extend(tickets(page.text))
        if url != "/dashboard/?service=ktp":
            assert 'id="first-page" href="/dashboard/?service=ktp"' in page.text
        found = re.search(r'id="next-page" href="([^"]+)"', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == ["KTP-261120-0005", "KTP-261120-0003", "KTP-261120-0002", "KTP-261120-0001"]
