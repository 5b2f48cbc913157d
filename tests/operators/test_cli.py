"""`loket office|operator|token create`, `token revoke` and `demo`, run as a user runs them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from app.db import create_engine, create_sessionmaker
from app.offices.models import Office
from app.operators import service
from app.operators.auth import verify_password
from app.operators.models import ApiToken, Operator
from tests.support.cli_database import Loket


def _query(url: str, model: Any) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                return list((await session.execute(select(model).order_by(model.id))).scalars())
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _operator_for(url: str, token: str) -> str | None:
    async def run() -> str | None:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                operator = await service.operator_for_token(session, token)
                await session.commit()
                return operator.username if operator else None
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _one_line_error(result: Any) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("loket: ")
    return str(line.removeprefix("loket: "))


@pytest.mark.parametrize(
    "command",
    [
        ["office"],
        ["office", "create"],
        ["operator"],
        ["operator", "create"],
        ["token"],
        ["token", "create"],
        ["token", "revoke"],
        ["demo"],
    ],
)
def test_every_command_has_help(loket: Loket, command: list[str]) -> None:
    result = loket(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: loket {' '.join(command)}")


def test_office_create_builds_the_tree(loket: Loket) -> None:
    steps = [
        (
            ["--code", "KAB-X", "--name", "Kabupaten X", "--level", "regency"],
            "regency office KAB-X",
        ),
        (
            [
                "--code",
                "KEC-X",
                "--name",
                "Kecamatan X",
                "--level",
                "district",
                "--parent",
                "KAB-X",
            ],
            "district office KEC-X under KAB-X",
        ),
        (
            [
                *("--code", "DESA-X", "--name", "Desa X", "--level", "village"),
                *("--parent", "KEC-X", "--address", "Jl. Balai Desa 1"),
                *("--hours", "Senin–Kamis 08.00–14.00"),
            ],
            "village office DESA-X under KEC-X",
        ),
    ]
    for args, said in steps:
        result = loket("office", "create", *args)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"created {said}"
    offices = {o.code: o for o in _query(loket.database_url, Office)}
    assert set(offices) == {"PUSAT", "KAB-X", "KEC-X", "DESA-X"}
    assert offices["DESA-X"].parent_id == offices["KEC-X"].id
    assert offices["KEC-X"].parent_id == offices["KAB-X"].id
    assert (offices["DESA-X"].address, offices["DESA-X"].hours) == (
        "Jl. Balai Desa 1",
        "Senin–Kamis 08.00–14.00",
    )


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--code", "PUSAT", "--name", "X", "--level", "regency"], "code PUSAT already exists"),
        (["--code", "K", "--name", "X", "--level", "district", "--parent", "NOPE"], "no office"),
        (
            ["--code", "K", "--name", "X", "--level", "village", "--parent", "PUSAT"],
            "under a district",
        ),
        (
            ["--code", "K", "--name", "X", "--level", "regency", "--parent", "PUSAT"],
            "has no parent",
        ),
        (["--code", "K", "--name", "X", "--level", "district"], "needs --parent"),
    ],
)
def test_office_create_refuses_with_one_line(loket: Loket, args: list[str], reason: str) -> None:
    assert reason in _one_line_error(loket("office", "create", *args))
    assert [o.code for o in _query(loket.database_url, Office)] == ["PUSAT"]


def test_operator_create_reads_the_password_from_the_first_line_of_stdin(loket: Loket) -> None:
    loket("office", "create", "--code", "KEC-1", "--name", "Kec", "--level", "district",
          "--parent", "PUSAT")  # fmt: skip
    result = loket(
        "operator", "create", "--username", "Rina", "--role", "district", "--office", "KEC-1",
        "--password-stdin", stdin="sandi-rahasia-1\nsecond line is ignored\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "created district operator rina at office KEC-1"
    (operator,) = _query(loket.database_url, Operator)
    assert (operator.username, operator.role) == ("rina", "district")
    assert verify_password(operator.password_hash, "sandi-rahasia-1")

    admin = loket("operator", "create", "--username", "boss", "--role", "admin",
                  "--password-stdin", stdin="sandi-admin-1\r\n")  # fmt: skip
    assert admin.stdout.strip() == "created admin operator boss (every office)"


OPERATOR_REFUSALS = [
    (["--username", "ani", "--role", "admin", "--password-stdin"], "", "the password is empty"),
    (["--username", "ani", "--role", "admin", "--password-stdin"], "\n", "password is empty"),
    (["--username", "ani", "--role", "admin", "--password-stdin"], "pendek\n", "shorter than 8"),
    (["--username", "ani", "--role", "admin"], "sandi-rahasia\n", "--password-stdin"),
    (
        ["--username", "ani", "--role", "village", "--password-stdin"],
        "sandi-rahasia\n",
        "a village operator needs --office",
    ),
    (
        ["--username", "ani", "--role", "district", "--office", "PUSAT", "--password-stdin"],
        "sandi-rahasia\n",
        "PUSAT is a regency",
    ),
    (
        ["--username", "taken", "--role", "admin", "--password-stdin"],
        "sandi-rahasia\n",
        "an operator named taken already exists",
    ),
]


def test_operator_create_refuses_with_one_line(loket: Loket) -> None:
    first = loket("operator", "create", "--username", "taken", "--role", "admin",
                  "--password-stdin", stdin="sandi-rahasia\n")  # fmt: skip
    assert first.returncode == 0, first.stderr
    for args, stdin, reason in OPERATOR_REFUSALS:
        assert reason in _one_line_error(loket("operator", "create", *args, stdin=stdin))
    assert [o.username for o in _query(loket.database_url, Operator)] == ["taken"]


def test_token_create_prints_the_token_alone_on_the_last_line(loket: Loket) -> None:
    loket("operator", "create", "--username", "ani", "--role", "admin", "--password-stdin",
          stdin="sandi-rahasia\n")  # fmt: skip
    result = loket("token", "create", "--username", "ANI")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    token = lines[-1]
    assert token == token.strip() and len(token) >= 43 and " " not in token
    (row,) = _query(loket.database_url, ApiToken)
    assert lines[0] == f"API token for ani (prefix {row.prefix}); it is shown only this once:"
    assert token not in result.stderr and row.token_hash != token
    assert _operator_for(loket.database_url, token) == "ani"

    second = loket("token", "create", "--username", "ani").stdout.splitlines()[-1]
    assert second != token
    revoked = loket("token", "revoke", "--username", "ani", "--prefix", row.prefix)
    assert revoked.returncode == 0 and revoked.stdout.strip() == "revoked 1 token"
    assert _operator_for(loket.database_url, token) is None
    assert _operator_for(loket.database_url, second) == "ani"
    assert "no live token with prefix" in _one_line_error(
        loket("token", "revoke", "--username", "ani", "--prefix", row.prefix)
    )
    assert loket("token", "revoke", "--username", "ani").stdout.strip() == "revoked 1 token"
    assert _operator_for(loket.database_url, second) is None


def test_token_create_for_an_unknown_operator_is_one_line(loket: Loket) -> None:
    assert _one_line_error(loket("token", "create", "--username", "ghost")) == (
        "no operator named ghost"
    )


def test_demo_seeds_once_and_prints_the_same_credentials_again(loket: Loket) -> None:
    first = loket("demo")
    assert first.returncode == 0, first.stderr
    again = loket("demo")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    offices = {o.code: o for o in _query(loket.database_url, Office)}
    assert set(offices) == {
        "PUSAT", "KEC-SUKAMAJU", "KEC-MEKARJAYA", "DESA-SUKAMAJU", "DESA-MEKARJAYA",
    }  # fmt: skip
    assert offices["DESA-MEKARJAYA"].parent_id == offices["KEC-MEKARJAYA"].id
    operators = {o.username: o for o in _query(loket.database_url, Operator)}
    assert {name: (o.role, o.office_id) for name, o in operators.items()} == {
        "admin": ("admin", None),
        "kecamatan": ("district", offices["KEC-SUKAMAJU"].id),
        "desa": ("village", offices["DESA-SUKAMAJU"].id),
    }
    for username, operator in operators.items():
        (line,) = [ln for ln in first.stdout.splitlines() if ln.split()[:1] == [username]]
        password = line.split()[2]
        assert len(password) == 16 and password.isalnum()
        assert verify_password(operator.password_hash, password)


def test_demo_refuses_in_live_mode(loket: Loket) -> None:
    live = {
        "WHATSAPP_ACCESS_TOKEN": "t",
        "WHATSAPP_PHONE_NUMBER_ID": "1",
        "WHATSAPP_APP_SECRET": "s",
        "WHATSAPP_VERIFY_TOKEN": "v",
        "LOKET_SECRET_KEY": "k" * 32,
    }
    assert "sandbox mode only" in _one_line_error(loket("demo", env=live))
    assert _query(loket.database_url, Operator) == []


def test_a_database_that_is_not_migrated_is_one_line(loket: Loket, tmp_path: Any) -> None:
    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    result = loket("token", "create", "--username", "ani", env={"DATABASE_URL": empty})
    assert _one_line_error(result) == "the database is not migrated: run `loket migrate` first"
