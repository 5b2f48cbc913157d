"""Attacks on the dashboard's forms and sign-in that already hold, kept so that they keep holding:
cross-site posts to every form, session fixation, and redirects to another site after sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.dashboard.app import SESSION_COOKIE
from app.requests.models import RequestEvent
from tests.support.clients import Dashboard, csrf_of, dash, world
from tests.support.factories import PASSWORD, World

__all__ = ["dash", "world"]  # the fixtures, used by name

TICKET = "KTP-261120-0001"
# Every POST of the dashboard: sign-in, sign-out and the 12 forms of a signed-in operator.
FORMS = [
    ("/dashboard/logout", {}),
    ("/dashboard/counter/ktp?variant=baru&phone=6281200000001", {"nik": "1303015708900001"}),
    ("/dashboard/inbox/1/retry", {}),
    (f"/dashboard/requests/{TICKET}/precheck", {"verdict": "ok"}),
    (f"/dashboard/requests/{TICKET}/forward", {"office": "1"}),
    (f"/dashboard/requests/{TICKET}/transitions", {"to": "in_review"}),
    (f"/dashboard/requests/{TICKET}/messages", {"body": "Halo"}),
    ("/dashboard/complaints/1/close", {}),
    ("/dashboard/handoffs/1/messages", {"body": "Halo"}),
    ("/dashboard/handoffs/1/end", {}),
    (f"/dashboard/requests/{TICKET}/notes", {"body": "catatan"}),
    (f"/dashboard/requests/{TICKET}/assignment", {"operator": "me"}),
    (f"/dashboard/requests/{TICKET}/issued", {}),
]


async def _changes(dash: Dashboard) -> tuple[int, int]:
    """(request history rows, audit rows): what a successful form post would add to."""
    async with dash.sessionmaker() as session:
        history = await session.scalar(select(func.count()).select_from(RequestEvent))
        audit = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "sign_in")
        )
    return int(history or 0), int(audit or 0)


@pytest.mark.parametrize(("path", "form"), FORMS, ids=[path for path, _ in FORMS])
async def test_every_form_refuses_a_post_without_the_session_token(
    dash: Dashboard, world: World, path: str, form: dict[str, str]
) -> None:
    token = await dash.sign_in("root")
    before = await _changes(dash)
    for forged in ({}, {"csrf_token": "x" * len(token)}, {"csrf_token": token[:-1]}):
        answer = await dash.client.post(path, data=form | forged)
        assert answer.status_code == 403, (path, answer.status_code)
        assert "Formulir ini sudah tidak berlaku" in answer.text
    assert await _changes(dash) == before
    assert (await dash.client.get("/dashboard/")).status_code == 200  # still signed in


async def test_a_session_cookie_planted_before_sign_in_stays_signed_out(
    dash: Dashboard, world: World
) -> None:
    """Fixation: a cookie handed to the operator before sign-in is not the signed-in one."""
    await dash.login_token()
    planted = dash.client.cookies[SESSION_COOKIE]
    assert (await dash.login("desa_a1")).status_code == 303
    assert dash.client.cookies[SESSION_COOKIE] != planted
    dash.client.cookies.clear()
    dash.client.cookies.set(SESSION_COOKIE, planted, path="/dashboard")
    answer = await dash.client.get("/dashboard/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/login"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]
)
async def test_sign_in_never_redirects_off_the_dashboard(
    dash: Dashboard, world: World, target: str
) -> None:
    page = await dash.client.get("/dashboard/login", params={"next": target})
    answer = await dash.client.post(
        "/dashboard/login",
        params={"next": target},
        data={
            "csrf_token": csrf_of(page.text),
            "username": "desa_a1",
            "password": PASSWORD,
            "next": target,
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/"
