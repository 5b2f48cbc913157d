"""`loket outbox failed` and `loket outbox resend ID`: see and retry messages Meta refused."""

from __future__ import annotations

import argparse
import asyncio

from app.config import Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.outbox import service


def _settings() -> Settings:
    from app.cli_support import command_settings as load

    return load()


def cmd_failed(args: argparse.Namespace) -> None:
    settings = _settings()

    async def main() -> None:
        engine = create_engine(settings.database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = await service.list_given_up(session, args.limit)
        finally:
            await engine.dispose()
        if not rows:
            print("no given-up messages")
        for row in rows:
            print(
                f"{row.id}\tresident {row.resident_id}\t{row.kind}\t{row.attempts} attempts\t"
                f"{row.created_at:%Y-%m-%d %H:%M}\t{row.last_error or ''}"
            )

    asyncio.run(main())


def cmd_resend(args: argparse.Namespace) -> None:
    from app.cli_support import CommandError

    settings = _settings()

    async def main() -> None:
        engine = create_engine(settings.database_url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                await service.resend(session, args.id)
        except (service.OutboxMessageNotFound, service.NotResendable) as exc:
            raise CommandError(str(exc)) from None
        finally:
            await engine.dispose()
        print(f"message {args.id} is queued again")

    asyncio.run(main())


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    outbox = sub.add_parser("outbox", help="messages Meta refused: list and re-send")
    actions = outbox.add_subparsers(dest="outbox_command", required=True, metavar="ACTION")
    failed = actions.add_parser("failed", help="list given-up messages, newest first")
    failed.add_argument("--limit", type=int, default=50)
    failed.set_defaults(func=cmd_failed)
    resend = actions.add_parser("resend", help="queue a given-up message again")
    resend.add_argument("id", type=int)
    resend.set_defaults(func=cmd_resend)
