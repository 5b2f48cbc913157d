"""`loket operator create`, `token create` and `token revoke` leave audit rows (actor "cli")."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import create_engine, create_sessionmaker
from app.offices.models import Office
from app.operators.models import ApiToken
from tests.support.cli_database import Loket


def _rows(url: str, model: Any) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                return list((await session.execute(select(model).order_by(model.id))).scalars())
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _audit(url: str) -> list[tuple[Any, ...]]:
    return [
        (r.actor, r.action, r.target, r.office_id, r.ip, r.detail) for r in _rows(url, AuditEvent)
    ]


def _office_id(url: str, code: str) -> int:
    (office,) = [o for o in _rows(url, Office) if o.code == code]
    return int(office.id)


def _ok(result: Any) -> None:
    assert result.returncode == 0, result.stdout + result.stderr


def test_operator_create_and_tokens_are_logged(loket: Loket) -> None:
    _ok(loket("office", "create", "--code", "KEC-1", "--name", "Kec", "--level", "district",
              "--parent", "PUSAT"))  # fmt: skip
    kec = _office_id(loket.database_url, "KEC-1")
    _ok(loket("operator", "create", "--username", "Rina", "--role", "district", "--office",
              "KEC-1", "--password-stdin", stdin="sandi-rahasia-1\n"))  # fmt: skip
    _ok(loket("operator", "create", "--username", "boss", "--role", "admin",
              "--password-stdin", stdin="sandi-admin-1\n"))  # fmt: skip
    _ok(loket("token", "create", "--username", "RINA"))
    _ok(loket("token", "create", "--username", "rina"))
    first, _ = _rows(loket.database_url, ApiToken)
    _ok(loket("token", "revoke", "--username", "rina", "--prefix", first.prefix))
    _ok(loket("token", "revoke", "--username", "rina"))
    second = _rows(loket.database_url, ApiToken)[1]
    assert _audit(loket.database_url) == [
        ("cli", "operator_created", "rina", kec, None, {"role": "district"}),
        ("cli", "operator_created", "boss", None, None, {"role": "admin"}),
        ("cli", "token_created", "rina", kec, None, {"prefix": first.prefix}),
        ("cli", "token_created", "rina", kec, None, {"prefix": second.prefix}),
        ("cli", "token_revoked", "rina", kec, None, {"prefix": first.prefix, "count": 1}),
        ("cli", "token_revoked", "rina", kec, None, {"prefix": None, "count": 1}),
    ]


def test_refused_commands_leave_no_audit_row(loket: Loket) -> None:
    _ok(loket("operator", "create", "--username", "ani", "--role", "admin", "--password-stdin",
              stdin="sandi-rahasia\n"))  # fmt: skip
    refused = [
        loket("operator", "create", "--username", "ani", "--role", "admin", "--password-stdin",
              stdin="sandi-rahasia\n"),  # taken
        loket("token", "create", "--username", "ghost"),
        loket("token", "revoke", "--username", "ghost"),
        loket("token", "revoke", "--username", "ani", "--prefix", "lkt_nope"),
    ]  # fmt: skip
    for result in refused:
        assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip() == "loket: no live token with prefix lkt_nope for ani"
    assert _audit(loket.database_url) == [
        ("cli", "operator_created", "ani", None, None, {"role": "admin"})
    ]
