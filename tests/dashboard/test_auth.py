"""Signing in and out, CSRF, throttling, security headers and the language toggle."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.main import create_app
from tests.support.clients import Dashboard, csrf_of
from tests.support.factories import World


async def test_logged_out_pages_redirect_to_login(dash: Dashboard, world: World) -> None:
    for path in ("/dashboard/", "/dashboard/requests/KTP-261120-0001"):
        answer = await dash.client.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/dashboard/login"


async def test_login_success_opens_the_queue(dash: Dashboard, world: World) -> None:
    answer = await dash.login("desa_a1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/dashboard" in cookie
    queue = await dash.client.get("/dashboard/")
    assert queue.status_code == 200
    assert "Antrean permohonan" in queue.text
    assert "desa_a1" in queue.text


async def test_wrong_password_is_refused(dash: Dashboard, world: World) -> None:
    answer = await dash.login("desa_a1", "salah-sekali-123")
    assert answer.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in answer.text
    assert (await dash.client.get("/dashboard/")).status_code == 303


async def test_five_failures_lock_the_username_even_with_the_right_password(
    dash: Dashboard, world: World
) -> None:
    for _ in range(5):
        assert (await dash.login("desa_a1", "salah-sekali-123")).status_code == 401
    answer = await dash.login("desa_a1")
    assert answer.status_code == 429
    assert "Terlalu banyak percobaan gagal" in answer.text
    assert (await dash.client.get("/dashboard/")).status_code == 303


async def test_login_without_or_with_a_wrong_csrf_token_is_403(
    dash: Dashboard, world: World
) -> None:
    await dash.login_token()
    form = {"username": "desa_a1", "password": "sandi-uji-123"}
    missing = await dash.client.post("/dashboard/login", data=form)
    wrong = await dash.client.post("/dashboard/login", data=form | {"csrf_token": "palsu"})
    for answer in (missing, wrong):
        assert answer.status_code == 403
        assert "Formulir ini sudah tidak berlaku" in answer.text
    assert (await dash.client.get("/dashboard/")).status_code == 303


async def test_posts_of_a_signed_in_operator_need_the_token(dash: Dashboard, world: World) -> None:
    await dash.sign_in("desa_a1")
    url = "/dashboard/requests/KTP-261120-0001/transitions"
    assert (await dash.client.post(url, data={"to": "in_review"})).status_code == 403
    wrong = {"to": "in_review", "csrf_token": "x" * 43}
    assert (await dash.client.post(url, data=wrong)).status_code == 403
    logout = await dash.client.post("/dashboard/logout", data={})
    assert logout.status_code == 403
    assert (await dash.client.get("/dashboard/")).status_code == 200


async def test_logout_ends_the_session(dash: Dashboard, world: World) -> None:
    token = await dash.sign_in("desa_a1")
    answer = await dash.client.post("/dashboard/logout", data={"csrf_token": token})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/dashboard/login"
    assert (await dash.client.get("/dashboard/")).status_code == 303


async def test_security_headers_on_pages_and_redirects(dash: Dashboard, world: World) -> None:
    for answer in (
        await dash.client.get("/dashboard/login"),
        await dash.client.get("/dashboard/"),
    ):
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'self'" in answer.headers["content-security-policy"]


async def test_language_toggle_is_kept_in_the_session(dash: Dashboard, world: World) -> None:
    english = await dash.client.get("/dashboard/login?lang=en")
    assert "Operator sign-in" in english.text
    assert '<html lang="en">' in english.text
    again = await dash.client.get("/dashboard/login")
    assert "Operator sign-in" in again.text
    failed = await dash.login("desa_a1", "salah-sekali-123")
    assert "Wrong username or password." in failed.text
    await dash.sign_in("desa_a1")
    assert "Request queue" in (await dash.client.get("/dashboard/")).text
    back = await dash.client.get("/dashboard/?lang=id")
    assert "Antrean permohonan" in back.text
    assert csrf_of(back.text)


async def test_outside_sandbox_the_session_cookie_is_https_only(
    live_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    app = create_app(live_settings, run_workers=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="https://loket.test") as client:
            live = Dashboard(app, client, sessionmaker)
            answer = await live.login("desa_a1")
    assert answer.status_code == 303
    assert "; secure" in answer.headers["set-cookie"].lower()
