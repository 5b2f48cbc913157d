"""Live updates: pages carry their fingerprint, and the stream says when it moved on."""

from __future__ import annotations

import re

from fastapi import FastAPI
from sqlalchemy import update
from starlette.routing import Mount

from app.db import unit_of_work
from app.requests.models import Request
from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests

TICKET = "KTP-261120-0001"
VERSION = re.compile(r'data-live-version="([^"]+)"')


def _dashboard_app(dash: Dashboard) -> FastAPI:
    mount = next(r for r in dash.app.routes if isinstance(r, Mount) and r.path == "/dashboard")
    assert isinstance(mount.app, FastAPI)
    return mount.app


def _short_streams(dash: Dashboard) -> None:
    state = _dashboard_app(dash).state
    state.live_poll_seconds = 0.01
    state.live_stream_seconds = 0.2


async def _version(dash: Dashboard, path: str) -> str:
    page = await dash.client.get(path)
    assert page.status_code == 200
    found = VERSION.search(page.text)
    assert found is not None
    return found.group(1)


async def test_the_request_page_streams_a_change_made_after_it_was_rendered(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    token = await dash.sign_in("desa_a1")
    page = f"/dashboard/requests/{TICKET}"
    before = await _version(dash, page)
    html = (await dash.client.get(page)).text
    assert f'data-live-url="/dashboard/live?ticket={TICKET}"' in html
    assert f'data-live-page="/dashboard/requests/{TICKET}"' in html
    _short_streams(dash)
    quiet = await dash.client.get("/dashboard/live", params={"ticket": TICKET, "since": before})
    assert quiet.status_code == 200
    assert quiet.headers["content-type"].startswith("text/event-stream")
    assert quiet.text == "retry: 3000\n\n"  # nothing changed: no event
    moved = await dash.client.post(
        f"{page}/transitions", data={"csrf_token": token, "to": "in_review"}
    )
    assert moved.status_code == 303
    after = await _version(dash, page)
    assert after != before
    stream = await dash.client.get("/dashboard/live", params={"ticket": TICKET, "since": before})
    assert stream.text == f"retry: 3000\n\nevent: changed\ndata: {after}\n\n"


async def test_the_queue_streams_a_new_request_in_scope_only(dash: Dashboard, world: World) -> None:
    await seed_requests(dash.sessionmaker, world)
    await dash.sign_in("desa_b1")
    before = await _version(dash, "/dashboard/")
    _short_streams(dash)
    async with unit_of_work(dash.sessionmaker) as session:  # a change in DESA-A1: not theirs
        await session.execute(
            update(Request).where(Request.ticket == TICKET).values(status="in_review")
        )
    unrelated = await dash.client.get("/dashboard/live", params={"since": before})
    assert "event: changed" not in unrelated.text
    async with unit_of_work(dash.sessionmaker) as session:
        await session.execute(
            update(Request).where(Request.ticket == "KTP-261120-0003").values(status="in_review")
        )
    changed = await dash.client.get("/dashboard/live", params={"since": before})
    assert changed.text.count("event: changed") == 1


async def test_the_stream_needs_a_session_and_a_visible_request(
    dash: Dashboard, world: World
) -> None:
    await seed_requests(dash.sessionmaker, world)
    anonymous = await dash.client.get("/dashboard/live")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/dashboard/login"
    await dash.sign_in("desa_b1")
    hidden = await dash.client.get("/dashboard/live", params={"ticket": TICKET})
    assert hidden.status_code == 404
    nonsense = await dash.client.get("/dashboard/live", params={"ticket": "../../etc"})
    assert nonsense.status_code == 404
