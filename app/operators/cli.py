"""`loket office create`, `loket operator create|password|disable|enable`,
`loket token create|revoke`, `loket demo`.

Each command is one unit of work on `DATABASE_URL`: it commits when everything succeeded and
leaves the database untouched otherwise. Failures end as `app.cli_support.CommandError` (one line on
stderr, exit status 1).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

# `loket` imports this module for every command, `--help` included: the database, hashing and
# settings modules are imported by the commands that use them, not here.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from app.config import Settings
    from app.operators.models import Operator

T = TypeVar("T")
CLI_ACTOR = "cli"


def _fail(message: str) -> Exception:
    """A `CommandError`: `main()` prints it as one line on stderr and exits with status 1."""
    from app.cli_support import CommandError

    return CommandError(message)


def _settings() -> Settings:
    from app.config import load_settings
    from app.observability import configure_logging

    settings = load_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return settings


def _database_problem(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    lowered = text.lower()
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return "the database is not migrated: run `loket migrate` first"
    return f"database error: {text}"


def run_unit_of_work(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction on the configured database; domain errors → CommandError."""
    from sqlalchemy.exc import IntegrityError, SQLAlchemyError

    from app.db import create_engine, create_sessionmaker, unit_of_work
    from app.offices.service import OfficeError
    from app.operators.service import OperatorError

    async def main() -> T:
        engine = create_engine(settings.database_url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except (OfficeError, OperatorError) as exc:
        raise _fail(str(exc)) from exc
    except IntegrityError as exc:
        # Two commands creating the same name at the same moment: the loser lands here.
        raise _fail("conflicting change: it already exists (someone created it just now)") from exc
    except SQLAlchemyError as exc:
        raise _fail(_database_problem(exc)) from exc
    except OSError as exc:
        raise _fail(f"cannot reach the database: {exc}") from exc


def _audit(session: AsyncSession, action: str, operator: Operator, detail: dict[str, Any]) -> None:
    """Log a command in the same transaction as its change (actor "cli", target the username)."""
    from app.audit.service import AuditAction, record

    record(
        session,
        actor=CLI_ACTOR,
        action=AuditAction[action],
        target=operator.username,
        office_id=operator.office_id,
        detail=detail,
    )


def cmd_office_create(args: argparse.Namespace) -> None:
    from app.offices.service import NewOffice, create_office

    new = NewOffice(args.code, args.name, args.level, args.parent, args.address, args.hours)

    async def work(session: AsyncSession) -> str:
        office = await create_office(session, new)
        return office.code

    code = run_unit_of_work(_settings(), work)
    where = f" under {args.parent.strip()}" if args.parent else ""
    print(f"created {args.level} office {code}{where}")


def _read_password() -> str:
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def cmd_operator_create(args: argparse.Namespace) -> None:
    if not args.password_stdin:
        raise _fail("give the password on standard input with --password-stdin")
    from app.operators import service
    from app.operators.service import NewOperator

    password = _read_password()
    new = NewOperator(args.username, args.role, password, args.office, args.name)

    async def work(session: AsyncSession) -> str:
        operator = await service.create_operator(session, new)
        _audit(session, "OPERATOR_CREATED", operator, {"role": operator.role})
        return operator.username

    username = run_unit_of_work(_settings(), work)
    office = f" at office {args.office.strip()}" if args.office else " (every office)"
    print(f"created {args.role} operator {username}{office}")


def cmd_operator_password(args: argparse.Namespace) -> None:
    if not args.password_stdin:
        raise _fail("give the new password on standard input with --password-stdin")
    from app.operators import service

    password = _read_password()

    async def work(session: AsyncSession) -> tuple[str, int]:
        changed = await service.change_password(session, args.username, password)
        detail = {"sessions_ended": changed.sessions_ended}
        _audit(session, "PASSWORD_CHANGED", changed.operator, detail)
        return changed.operator.username, changed.sessions_ended

    username, ended = run_unit_of_work(_settings(), work)
    print(f"changed the password of {username}; {_count(ended, 'session')} ended")


def cmd_operator_disable(args: argparse.Namespace) -> None:
    from app.operators import service

    async def work(session: AsyncSession) -> tuple[str, int, int]:
        done = await service.disable_operator(session, args.username)
        detail = {"sessions_ended": done.sessions_ended, "tokens_revoked": done.tokens_revoked}
        _audit(session, "OPERATOR_DISABLED", done.operator, detail)
        return done.operator.username, done.sessions_ended, done.tokens_revoked

    username, ended, revoked = run_unit_of_work(_settings(), work)
    print(
        f"disabled {username}: {_count(ended, 'session')} ended, "
        f"{_count(revoked, 'API token')} revoked"
    )


def cmd_operator_enable(args: argparse.Namespace) -> None:
    from app.operators import service

    async def work(session: AsyncSession) -> str:
        operator = await service.enable_operator(session, args.username)
        _audit(session, "OPERATOR_ENABLED", operator, {})
        return operator.username

    username = run_unit_of_work(_settings(), work)
    print(f"enabled {username}; their old API tokens stay revoked (loket token create)")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def cmd_token_create(args: argparse.Namespace) -> None:
    from app.operators import service

    async def work(session: AsyncSession) -> tuple[str, str, str]:
        row, token = await service.issue_token(session, args.username)
        operator = await service.require_operator(session, args.username)
        _audit(session, "TOKEN_CREATED", operator, {"prefix": row.prefix})
        return operator.username, row.prefix, token

    username, prefix, token = run_unit_of_work(_settings(), work)
    print(f"API token for {username} (prefix {prefix}); it is shown only this once:")
    print(token)


def cmd_token_revoke(args: argparse.Namespace) -> None:
    from app.operators import service

    async def work(session: AsyncSession) -> int:
        operator = await service.require_operator(session, args.username)
        count = await service.revoke_tokens(session, args.username, prefix=args.prefix)
        if args.prefix and count == 0:
            # Raised inside the unit of work, so the refusal leaves no audit row behind.
            raise _fail(f"no live token with prefix {args.prefix} for {args.username}")
        _audit(session, "TOKEN_REVOKED", operator, {"prefix": args.prefix, "count": count})
        return count

    count = run_unit_of_work(_settings(), work)
    print(f"revoked {count} token{'s' if count != 1 else ''}")


def cmd_demo(args: argparse.Namespace) -> None:
    from app.db import utcnow
    from app.operators.demo import seed_demo

    settings = _settings()
    if not settings.sandbox:
        raise _fail("demo data is for sandbox mode only, and WHATSAPP_ACCESS_TOKEN is set")
    secret = settings.session_secret()
    result = run_unit_of_work(
        settings, lambda session: seed_demo(session, secret=secret, now=utcnow())
    )
    print("Demo offices:")
    for office in result.offices:
        print(f"  {office.code:<16} {office.level:<9} {office.name}")
    print("Demo operators (sign in to /dashboard/):")
    for cred in result.credentials:
        where = cred.office_code or "every office"
        password = cred.password or "(changed since it was seeded; not shown)"
        print(f"  {cred.username:<10} password {password:<18} {cred.role} — {where}")
    print("API token: loket token create --username admin")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the office, operator, token and demo commands to the `loket` parser."""
    office = sub.add_parser("office", help="manage offices")
    office_sub = office.add_subparsers(dest="office_command", required=True, metavar="ACTION")
    create = office_sub.add_parser("create", help="create an office")
    create.add_argument("--code", required=True, help="short unique code, e.g. KEC-SUKAMAJU")
    create.add_argument("--name", required=True, help="the office's name")
    create.add_argument("--level", required=True, choices=["regency", "district", "village"])
    create.add_argument("--parent", help="code of the office one level up")
    create.add_argument("--address", help="where residents collect documents")
    create.add_argument("--hours", help="opening hours told to residents")
    create.set_defaults(func=cmd_office_create)

    operator = sub.add_parser("operator", help="manage operators")
    operator_sub = operator.add_subparsers(dest="operator_command", required=True, metavar="ACTION")
    create = operator_sub.add_parser("create", help="create an operator")
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=["admin", "district", "village"])
    create.add_argument("--office", help="office code (district and village roles need one)")
    create.add_argument("--name", help="display name (default: the username)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(func=cmd_operator_create)
    password = operator_sub.add_parser(
        "password", help="set a new password; ends the operator's dashboard sessions"
    )
    password.add_argument("--username", required=True)
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.set_defaults(func=cmd_operator_password)
    disable = operator_sub.add_parser(
        "disable", help="refuse sign-in; end sessions and revoke API tokens at once"
    )
    disable.add_argument("--username", required=True)
    disable.set_defaults(func=cmd_operator_disable)
    enable = operator_sub.add_parser("enable", help="let a disabled operator sign in again")
    enable.add_argument("--username", required=True)
    enable.set_defaults(func=cmd_operator_enable)

    token = sub.add_parser("token", help="manage API tokens")
    token_sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = token_sub.add_parser("create", help="print a new API token (last line of output)")
    create.add_argument("--username", required=True)
    create.set_defaults(func=cmd_token_create)
    revoke = token_sub.add_parser("revoke", help="revoke an operator's API tokens")
    revoke.add_argument("--username", required=True)
    revoke.add_argument("--prefix", help="revoke only the token with this prefix")
    revoke.set_defaults(func=cmd_token_revoke)

    demo = sub.add_parser("demo", help="seed demo offices and operators (sandbox mode only)")
    demo.set_defaults(func=cmd_demo)
