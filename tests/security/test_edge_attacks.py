"""Attacks on Loket's edges that once worked, kept in CI so they keep failing.

Weak secrets (a forged admin cookie), a sign-in throttle that locked real operators out,
sessions that could not be ended, a webhook that buffered unsigned bodies, a NUL in a username,
and unauthenticated metrics and API docs. Each test plays the attacker, then the victim.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import ConfigError, Settings, load_settings
from app.db import unit_of_work
from app.operators import service as operators
from app.operators.models import Operator
from tests.support.attacks import (
    ATTACKER,
    OFFICE,
    SlowBody,
    browser,
    forged_cookie,
    raw_post,
    signin_rows,
    started,
)
from tests.support.clients import world
from tests.support.environment import LIVE_SECRET_KEY
from tests.support.factories import PASSWORD, World

__all__ = ["world"]

WRONG = "salah-sekali-123"
COOKIE = "loket_dashboard"


async def _operator_id(sessionmaker: async_sessionmaker[AsyncSession], username: str) -> int:
    async with sessionmaker() as session:
        stmt = select(Operator.id).where(Operator.username == username)
        return int((await session.execute(stmt)).scalar_one())


# --- weak secrets (issue 10.1) ------------------------------------------------------------


def test_an_empty_secret_key_stops_serve_before_a_forged_cookie_can_be_tried(
    tmp_path: Path,
) -> None:
    """`{"operator_id": 1}` signed with "" opened the admin pages: now nothing is served."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
    live = {
        "WHATSAPP_ACCESS_TOKEN": "t",
        "WHATSAPP_PHONE_NUMBER_ID": "1",
        "WHATSAPP_APP_SECRET": "s",
        "WHATSAPP_VERIFY_TOKEN": "v",
        "LOKET_SECRET_KEY": "",
        "LOKET_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", "1"],
        env={**clean, **live},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "loket: invalid configuration: LOKET_SECRET_KEY is empty: use at least 32 random "
        "bytes, e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    ]


@pytest.mark.parametrize("key", ["", " " * 40, "x" * 31])
async def test_settings_built_in_code_with_a_weak_key_do_not_start(
    live_settings: Settings, key: str
) -> None:
    weak = live_settings.model_copy(update={"secret_key": SecretStr(key)})
    with pytest.raises(ConfigError, match=r"LOKET_SECRET_KEY is (empty|only 31 bytes)"):
        async with started(weak):
            pass


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("LOKET_SECRET_KEY", "", "LOKET_SECRET_KEY is empty"),
        ("LOKET_SECRET_KEY", "kunci-rahasia", "LOKET_SECRET_KEY is only 13 bytes"),
        ("WHATSAPP_APP_SECRET", "", "WHATSAPP_APP_SECRET is set but empty"),
        ("LOKET_ENCRYPTION_KEY", "", "LOKET_ENCRYPTION_KEY is set but empty"),
        ("LOKET_ENCRYPTION_KEY", "c2hvcnQ=", "a key must be 32 bytes (base64), got 5"),
        ("LOKET_ENCRYPTION_KEY", "k1:!!!", "LOKET_ENCRYPTION_KEY: a key is not valid base64"),
    ],
)
def test_weak_or_malformed_secrets_refuse_to_start(variable: str, value: str, reason: str) -> None:
    with pytest.raises(ConfigError, match="invalid configuration: ") as refused:
        load_settings(**{"WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1",
                         "WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v",
                         "LOKET_SECRET_KEY": LIVE_SECRET_KEY, variable: value})  # fmt: skip
    assert reason in str(refused.value)
    assert "\n" not in str(refused.value)


async def test_forged_cookies_are_sent_to_the_login_page(
    live_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    root = await _operator_id(sessionmaker, "root")
    async with started(live_settings) as app:
        for secret in ("", LIVE_SECRET_KEY):  # even the real key: no server session, no entry
            cookie = forged_cookie(secret, {"operator_id": root})
            async with browser(app, sessionmaker, ATTACKER, {"cookie": f"{COOKIE}={cookie}"}) as b:
                for path in ("/dashboard/", "/dashboard/audit"):
                    answer = await b.client.get(path)
                    assert (answer.status_code, answer.headers["location"]) == (
                        303,
                        "/dashboard/login",
                    )


# --- the sign-in throttle (issue 10.5) ----------------------------------------------------


async def test_an_attacker_elsewhere_cannot_lock_the_real_operator_out(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with started(settings) as app:
        async with browser(app, sessionmaker, ATTACKER) as attacker:
            statuses = [(await attacker.login("desa_a1", WRONG)).status_code for _ in range(7)]
            blocked = await attacker.login("desa_a1")  # even the right password waits now
        async with browser(app, sessionmaker, OFFICE) as operator:
            assert (await operator.login("desa_a1")).status_code == 303
            assert (await operator.client.get("/dashboard/")).status_code == 200
    assert statuses == [401] * 5 + [429] * 2
    assert blocked.status_code == 429
    assert 1 <= int(blocked.headers["retry-after"]) <= 30  # what is left of the first wait
    assert "Terlalu banyak percobaan gagal" in blocked.text
    failed = ("login_failed", "desa_a1", ATTACKER)
    assert await signin_rows(sessionmaker) == [(*failed, {})] * 5 + [
        (*failed, {"throttled": True})
    ] * 3 + [("login", "desa_a1", OFFICE, {})]


async def test_two_app_instances_on_one_database_share_the_count(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """Two `serve` processes behind a load balancer: each has its own engine and memory."""
    async with started(settings) as first, started(settings) as second:
        assert first.state.runtime.engine is not second.state.runtime.engine
        async with (
            browser(first, sessionmaker, ATTACKER) as one,
            browser(second, sessionmaker, ATTACKER) as two,
        ):
            answers = []
            for client in (one, two, one, two, one):
                answers.append((await client.login("kec_a", WRONG)).status_code)
            assert answers == [401] * 5
            assert (await two.login("kec_a")).status_code == 429
            assert (await one.login("kec_a")).status_code == 429


async def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    behind_proxy = settings.model_copy(update={"forwarded_allow_ips": "10.0.0.0/8"})
    async with started(settings) as direct, started(behind_proxy) as proxied:
        # Straight from the internet: a made-up X-Forwarded-For changes nothing.
        async with browser(direct, sessionmaker, ATTACKER) as attacker:
            for n in range(6):
                spoof = {"x-forwarded-for": f"192.0.2.{n}"}
                attacker.client.headers.update(spoof)
                last = await attacker.login("kec_a", WRONG)
            assert last.status_code == 429
        # Through the proxy at 10.0.0.2, the real addresses count, one by one.
        async with browser(proxied, sessionmaker, "10.0.0.2") as proxy:
            proxy.client.headers["x-forwarded-for"] = "192.0.2.99"
            for _ in range(5):
                assert (await proxy.login("desa_a1", WRONG)).status_code == 401
            assert (await proxy.login("desa_a1")).status_code == 429
            proxy.client.headers["x-forwarded-for"] = f"192.0.2.99, {OFFICE}"
            assert (await proxy.login("desa_a1")).status_code == 303
    rows = await signin_rows(sessionmaker)
    assert {ip for action, target, ip, _ in rows if target == "kec_a"} == {ATTACKER}
    assert [(a, ip) for a, target, ip, _ in rows if target == "desa_a1"] == [
        ("login_failed", "192.0.2.99")
    ] * 6 + [("login", OFFICE)]


# --- sessions that end (issue 10.7) -------------------------------------------------------


async def test_a_cookie_copied_before_sign_out_is_signed_out_too(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with started(settings) as app, browser(app, sessionmaker, OFFICE) as victim:
        token = await victim.sign_in("kec_a")
        stolen = victim.client.cookies[COOKIE]
        async with browser(app, sessionmaker, ATTACKER, {"cookie": f"{COOKIE}={stolen}"}) as thief:
            assert (await thief.client.get("/dashboard/")).status_code == 200
            await victim.client.post("/dashboard/logout", data={"csrf_token": token})
            answer = await thief.client.get("/dashboard/")
    assert (answer.status_code, answer.headers["location"]) == (303, "/dashboard/login")


async def test_disabling_an_operator_stops_their_session_and_token_at_once(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with started(settings) as app, browser(app, sessionmaker, OFFICE) as dash:
        await dash.sign_in("desa_b1")
        api = await dash.client.get("/api/v1/requests", headers=world.auth("desa_b1"))
        assert api.status_code == 200
        async with unit_of_work(sessionmaker) as session:
            done = await operators.disable_operator(session, "desa_b1")
        assert (done.sessions_ended, done.tokens_revoked) == (1, 1)
        assert (await dash.client.get("/dashboard/")).status_code == 303
        api = await dash.client.get("/api/v1/requests", headers=world.auth("desa_b1"))
        assert (api.status_code, api.json()) == (401, {"detail": "invalid or revoked token"})
        assert (await dash.login("desa_b1")).status_code == 401


async def test_a_password_change_ends_every_session(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with (
        started(settings) as app,
        browser(app, sessionmaker, OFFICE) as desk,
        browser(app, sessionmaker, ATTACKER) as laptop,
    ):
        await desk.sign_in("kab")
        await laptop.sign_in("kab")
        async with unit_of_work(sessionmaker) as session:
            changed = await operators.change_password(session, "kab", "sandi-baru-2027")
        assert changed.sessions_ended == 2
        for client in (desk, laptop):
            assert (await client.client.get("/dashboard/")).status_code == 303
        assert (await desk.login("kab", PASSWORD)).status_code == 401
        assert (await desk.login("kab", "sandi-baru-2027")).status_code == 303


# --- the webhook under a flood (issue 10.10) ----------------------------------------------

FOUR_MB = 4 * 1024 * 1024
SECRET = b"test-app-secret"  # live_settings' WHATSAPP_APP_SECRET


def _signed(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return {"content-length": str(len(body)), "x-hub-signature-256": f"sha256={digest}"}


def _padded_delivery(wamid: str, size: int) -> bytes:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": "6281200000001"}],
        "messages": [{"from": "6281200000001", "id": wamid, "timestamp": "1750000000",
                      "type": "text", "text": {"body": "halo"}}],
    }  # fmt: skip
    change = {"field": "messages", "value": value}
    doc = {"object": "whatsapp_business_account", "entry": [{"id": "waba", "changes": [change]}]}
    raw = json.dumps(doc).encode()
    return raw + b" " * (size - len(raw))  # JSON allows trailing whitespace


async def test_unsigned_large_bodies_are_refused_without_reading_them(
    live_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with started(live_settings) as app:
        bodies = [SlowBody(b"{" * FOUR_MB) for _ in range(20)]
        answers = await asyncio.gather(
            *(
                raw_post(app, "/webhooks/whatsapp", body, {"content-length": str(FOUR_MB)})
                for body in bodies
            )
        )
    assert {(status, json.loads(text)["reason"]) for status, _, text in answers} == {
        (401, "missing X-Hub-Signature-256")
    }
    assert [body.pulled for body in bodies] == [0] * 20


async def test_large_bodies_in_flight_are_bounded_and_signed_ones_still_land(
    live_settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """The budget (16 MiB by default) holds four 4-MiB bodies; a fifth waits for Meta's retry."""
    gate = asyncio.Event()
    async with started(live_settings) as app:
        raws = [_padded_delivery(f"wamid.flood{n}", FOUR_MB) for n in range(6)]
        held = [
            asyncio.create_task(
                raw_post(app, "/webhooks/whatsapp", SlowBody(raw, gate), _signed(raw))
            )
            for raw in raws[:4]
        ]
        budget = app.state.runtime.webhook_budget
        for _ in range(500):  # let all four reserve their bytes and wait for their bodies
            if budget.in_use == 4 * FOUR_MB:
                break
            await asyncio.sleep(0.01)
        assert budget.in_use == 4 * FOUR_MB
        status, headers, _ = await raw_post(
            app, "/webhooks/whatsapp", SlowBody(raws[4]), _signed(raws[4])
        )
        assert (status, headers["retry-after"]) == (503, "5")
        gate.set()
        assert [status for status, _, _ in await asyncio.gather(*held)] == [200] * 4
        assert budget.in_use == 0
        status, _, text = await raw_post(
            app, "/webhooks/whatsapp", SlowBody(raws[5]), _signed(raws[5])
        )
    assert (status, json.loads(text)["stored"]) == (200, 1)


def _peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    (line,) = [ln for ln in status.splitlines() if ln.startswith("VmHWM:")]
    return int(line.split()[1])


def _slow_delivery(port: int, headers: dict[str, str], all_sent: threading.Barrier) -> int:
    """Send all of a 4-MiB body but its last byte, wait until every client has, then finish:
    the server holds whatever it has read of every body at the same moment."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = (
        f"POST /webhooks/whatsapp HTTP/1.1\r\nHost: loket.test\r\n"
        f"Content-Length: {FOUR_MB}\r\n{head}\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        with contextlib.suppress(OSError):  # refused early and closed: nothing of it is held
            sock.sendall(request + b"{" * (FOUR_MB - 1))
        all_sent.wait()
        try:
            sock.sendall(b"{")
            return int(sock.recv(64).split()[1])
        except (OSError, IndexError):
            return 0


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("LOKET_TEST_DATABASE", "sqlite") != "sqlite",
    reason="runs its own server; the database is never touched",
)
def test_a_flood_of_large_bodies_does_not_grow_the_server(tmp_path: Path) -> None:
    """64 slow 4-MiB deliveries at once, half unsigned and half wrongly signed: the server's
    peak memory grows by less than its body budget and a margin. Before, it read every body
    whole before looking at the signature (100 of them: +430 MB)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.support.server import _free_port, _wait_until_up

    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
    env = {**clean, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'flood.db'}",
           "LOCKER_URL": f"file:{tmp_path / 'locker'}", "LOKET_VAR_DIR": str(tmp_path / "var"),
           "WHATSAPP_ACCESS_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1",
           "WHATSAPP_APP_SECRET": SECRET.decode(), "WHATSAPP_VERIFY_TOKEN": "v",
           "LOKET_SECRET_KEY": LIVE_SECRET_KEY}  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--no-workers", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    clients = 64
    forged = {"X-Hub-Signature-256": "sha256=" + "0" * 64}
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", server)
        warm = threading.Barrier(1)  # every code path loaded once before measuring
        assert _slow_delivery(port, forged, warm) == 403
        before = _peak_rss_kib(server.pid)
        all_sent = threading.Barrier(clients, timeout=120)
        with ThreadPoolExecutor(max_workers=clients) as pool:
            statuses = list(
                pool.map(
                    lambda n: _slow_delivery(port, forged if n % 2 else {}, all_sent),
                    range(clients),
                )
            )
        growth_mib = (_peak_rss_kib(server.pid) - before) / 1024
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert growth_mib < 48, f"peak memory grew by {growth_mib:.0f} MiB"
    assert set(statuses) <= {0, 401, 403, 503}
    assert statuses.count(503) >= clients // 2 - 4  # the budget holds four 4-MiB bodies


# --- odd input and open doors (issue 10.11) -----------------------------------------------


async def test_a_nul_in_the_username_is_a_failed_sign_in(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    """PostgreSQL refuses U+0000 in text: the look-up and the audit row used to end in a 500."""
    async with started(settings) as app, browser(app, sessionmaker, ATTACKER) as attacker:
        answer = await attacker.login("kec\x00_a", WRONG)
        right_password = await attacker.login("kec_a\x00", PASSWORD)
    assert answer.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in answer.text
    assert right_password.status_code == 401
    assert await signin_rows(sessionmaker) == [
        ("login_failed", "kec\ufffd_a", ATTACKER, {}),
        ("login_failed", "kec_a\ufffd", ATTACKER, {}),
    ]


async def test_metrics_need_the_token_when_one_is_set(settings: Settings) -> None:
    guarded = settings.model_copy(update={"metrics_token": SecretStr("metrik-rahasia-1")})
    async with started(settings) as open_app, started(guarded) as app:
        async with browser(open_app, None, ATTACKER) as anyone:  # type: ignore[arg-type]
            assert (await anyone.client.get("/metrics")).status_code == 200
        async with browser(app, None, ATTACKER) as outsider:  # type: ignore[arg-type]
            for headers in ({}, {"authorization": "Bearer metrik-rahasia-2"},
                            {"authorization": "Basic metrik-rahasia-1"}):  # fmt: skip
                answer = await outsider.client.get("/metrics", headers=headers)
                assert (answer.status_code, answer.headers["www-authenticate"]) == (
                    401,
                    'Bearer realm="metrics"',
                )
                assert "loket_webhook_requests" not in answer.text
            allowed = await outsider.client.get(
                "/metrics", headers={"authorization": "Bearer metrik-rahasia-1"}
            )
    assert allowed.status_code == 200
    assert "loket_webhook_requests" in allowed.text


@pytest.mark.parametrize(
    ("live", "api_docs", "expected"),
    [(False, None, 200), (True, None, 404), (True, True, 200), (False, False, 404)],
)
async def test_api_docs_are_off_in_live_mode_unless_asked_for(
    settings: Settings, live_settings: Settings, live: bool, api_docs: bool | None, expected: int
) -> None:
    chosen = (live_settings if live else settings).model_copy(update={"api_docs": api_docs})
    async with started(chosen) as app, browser(app, None, ATTACKER) as anyone:  # type: ignore[arg-type]
        statuses = [
            (await anyone.client.get(p)).status_code for p in ("/docs", "/redoc", "/openapi.json")
        ]
    assert statuses == [expected] * 3
