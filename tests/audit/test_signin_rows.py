"""Dashboard sign-in, failed sign-in, throttled sign-in and sign-out each leave an audit row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.support.clients import Dashboard
from tests.support.factories import PASSWORD, World

CLIENT_IP = "127.0.0.1"  # what httpx's ASGI transport reports as the client


async def audit_rows(dash: Dashboard) -> list[tuple[Any, ...]]:
    """Every audit row, oldest first, read in a fresh session (so: committed rows only)."""
    async with dash.sessionmaker() as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(r.actor, r.action, r.target, r.office_id, r.ip, r.detail) for r in rows]


async def test_a_sign_in_is_logged_with_the_operator_office_and_address(
    dash: Dashboard, world: World
) -> None:
    assert (await dash.login("desa_a1")).status_code == 303
    assert await audit_rows(dash) == [
        ("operator:desa_a1", "login", "desa_a1", world.offices["DESA-A1"], CLIENT_IP, {})
    ]


async def test_an_admin_without_an_office_signs_in_with_no_office(
    dash: Dashboard, world: World
) -> None:
    assert (await dash.login("root")).status_code == 303
    assert await audit_rows(dash) == [("operator:root", "login", "root", None, CLIENT_IP, {})]


async def test_a_failed_sign_in_is_committed_without_the_password(
    dash: Dashboard, world: World
) -> None:
    wrong = "salah-sekali-123"
    assert (await dash.login("Desa_A1", wrong)).status_code == 401
    assert (await dash.login("penyusup", wrong)).status_code == 401
    rows = await audit_rows(dash)
    assert rows == [
        # A real operator's username lends its office, so that office's admin sees the attempt.
        ("anonymous", "login_failed", "Desa_A1", world.offices["DESA-A1"], CLIENT_IP, {}),
        ("anonymous", "login_failed", "penyusup", None, CLIENT_IP, {}),
    ]
    assert wrong not in repr(rows) and PASSWORD not in repr(rows)


async def test_a_long_username_is_logged_cut_to_64_characters(
    dash: Dashboard, world: World
) -> None:
    typed = "x" * 63 + "yz" + "w" * 200
    assert (await dash.login(typed, "salah-sekali-123")).status_code == 401
    assert await audit_rows(dash) == [
        ("anonymous", "login_failed", "x" * 63 + "y", None, CLIENT_IP, {})
    ]


async def test_throttled_attempts_are_logged_as_throttled(dash: Dashboard, world: World) -> None:
    for _ in range(5):
        assert (await dash.login("kec_a", "salah-sekali-123")).status_code == 401
    # The right password while the username is locked is still refused, and logged as such.
    assert (await dash.login("kec_a")).status_code == 429
    failed = ("anonymous", "login_failed", "kec_a", world.offices["KEC-A"], CLIENT_IP)
    assert await audit_rows(dash) == [(*failed, {})] * 5 + [(*failed, {"throttled": True})]


async def test_sign_out_is_logged(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("kab")
    answer = await dash.client.post("/dashboard/logout", data={"csrf_token": token})
    assert answer.status_code == 303
    kab = world.offices["KAB"]
    assert await audit_rows(dash) == [
        ("operator:kab", "login", "kab", kab, CLIENT_IP, {}),
        ("operator:kab", "logout", "kab", kab, CLIENT_IP, {}),
    ]


async def test_a_refused_sign_out_writes_nothing(dash: Dashboard, world: World) -> None:
    await dash.sign_in("kab")
    assert (await dash.client.post("/dashboard/logout", data={})).status_code == 403
    assert [row[1] for row in await audit_rows(dash)] == ["login"]
