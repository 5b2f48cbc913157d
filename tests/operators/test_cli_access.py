"""`loket operator password|disable|enable`: access taken away at once, and audited."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.operators import service, sessions
from app.operators.auth import verify_password
from tests.support.cli_database import Loket

T = TypeVar("T")


def _run(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def main() -> T:
        engine = create_engine(url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def _sign_in(url: str, username: str) -> str:
    """A dashboard session for `username`, as a sign-in makes one; its cookie token."""

    async def work(session: AsyncSession) -> str:
        operator = await service.require_operator(session, username)
        return await sessions.start_session(session, operator, lifetime=timedelta(hours=12))

    return _run(url, work)


def _signed_in(url: str, token: str) -> str | None:
    async def work(session: AsyncSession) -> str | None:
        operator = await sessions.operator_for_session(session, token)
        return operator.username if operator else None

    return _run(url, work)


def _audit(url: str) -> list[tuple[Any, ...]]:
    async def work(session: AsyncSession) -> list[tuple[Any, ...]]:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.id))).scalars()
        return [(r.actor, r.action, r.target, r.detail) for r in rows]

    return _run(url, work)[1:]  # after the row of `operator create`


def _password_matches(url: str, username: str, password: str) -> bool:
    async def work(session: AsyncSession) -> bool:
        operator = await service.require_operator(session, username)
        return verify_password(operator.password_hash, password)

    return _run(url, work)


@pytest.fixture
def ani(loket: Loket) -> Loket:
    created = loket("operator", "create", "--username", "ani", "--role", "admin",
                    "--password-stdin", stdin="sandi-lama-01\n")  # fmt: skip
    assert created.returncode == 0, created.stderr
    return loket


@pytest.mark.parametrize("action", ["password", "disable", "enable"])
def test_the_new_commands_have_help(loket: Loket, action: str) -> None:
    result = loket("operator", action, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: loket operator {action}")


def test_a_new_password_ends_every_session_of_the_operator(ani: Loket) -> None:
    url = ani.database_url
    desk, phone = _sign_in(url, "ani"), _sign_in(url, "ani")
    result = ani("operator", "password", "--username", "ANI", "--password-stdin",
                 stdin="sandi-baru-2027\n")  # fmt: skip
    assert (result.returncode, result.stdout) == (
        0,
        "changed the password of ani; 2 sessions ended\n",
    )
    assert (_signed_in(url, desk), _signed_in(url, phone)) == (None, None)
    assert _password_matches(url, "ani", "sandi-baru-2027")
    assert not _password_matches(url, "ani", "sandi-lama-01")
    assert _audit(url) == [("cli", "password_changed", "ani", {"sessions_ended": 2})]


@pytest.mark.parametrize(
    ("args", "stdin", "error"),
    [
        (["--password-stdin"], "pendek\n", "loket: the password is shorter than 8 characters"),
        (
            [],
            "sandi-baru-2027\n",
            "loket: give the new password on standard input with --password-stdin",
        ),
    ],
)
def test_a_refused_password_change_changes_nothing(
    ani: Loket, args: list[str], stdin: str, error: str
) -> None:
    url = ani.database_url
    desk = _sign_in(url, "ani")
    result = ani("operator", "password", "--username", "ani", *args, stdin=stdin)
    assert (result.returncode, result.stderr.splitlines()) == (1, [error])
    assert _signed_in(url, desk) == "ani"
    assert _password_matches(url, "ani", "sandi-lama-01")
    assert _audit(url) == []


def test_disable_ends_sessions_and_tokens_and_enable_lets_them_sign_in_again(ani: Loket) -> None:
    url = ani.database_url
    token = ani("token", "create", "--username", "ani").stdout.splitlines()[-1]
    desk = _sign_in(url, "ani")

    disabled = ani("operator", "disable", "--username", "ani")
    assert (disabled.returncode, disabled.stdout) == (
        0,
        "disabled ani: 1 session ended, 1 API token revoked\n",
    )
    assert _signed_in(url, desk) is None
    assert _run(url, lambda session: service.operator_for_token(session, token)) is None
    again = ani("operator", "disable", "--username", "ani")
    assert (again.returncode, again.stderr) == (1, "loket: operator ani is already disabled\n")

    enabled = ani("operator", "enable", "--username", "ani")
    assert (enabled.returncode, enabled.stdout) == (
        0,
        "enabled ani; their old API tokens stay revoked (loket token create)\n",
    )
    assert _run(url, lambda session: service.operator_for_token(session, token)) is None
    assert _signed_in(url, _sign_in(url, "ani")) == "ani"
    assert [row[:3] for row in _audit(url)] == [
        ("cli", "token_created", "ani"),
        ("cli", "operator_disabled", "ani"),
        ("cli", "operator_enabled", "ani"),
    ]
    assert _audit(url)[1][3] == {"sessions_ended": 1, "tokens_revoked": 1}


@pytest.mark.parametrize("action", ["disable", "enable"])
def test_an_unknown_operator_is_one_line(loket: Loket, action: str) -> None:
    result = loket("operator", action, "--username", "ghost")
    assert (result.returncode, result.stderr) == (1, "loket: no operator named ghost\n")
