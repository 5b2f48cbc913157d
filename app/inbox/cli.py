"""`loket inbox failed` and `loket inbox retry ID`: see and retry inbound events set aside."""

from __future__ import annotations

import argparse
import asyncio

from app.config import Settings
from app.db import create_engine, create_sessionmaker, unit_of_work
from app.inbox import service

CLI_ACTOR = "cli"  # as the operator commands log themselves in the audit log


def _settings() -> Settings:
    from app.cli_support import command_settings as load

    return load()


def cmd_failed(args: argparse.Namespace) -> None:
    settings = _settings()

    async def main() -> None:
        engine = create_engine(settings.database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                rows = await service.list_failed(session, args.limit)
        finally:
            await engine.dispose()
        if not rows:
            print("no set-aside events")
        for event, _resident in rows:
            print(
                f"{event.id}\tresident {event.resident_id}\t"
                f"{event.kind}/{service.subject_of(event)}\t{event.attempts} attempts\t"
                f"{event.received_at:%Y-%m-%d %H:%M}\t{event.last_error or ''}"
            )

    asyncio.run(main())


def cmd_retry(args: argparse.Namespace) -> None:
    from app.cli_support import CommandError

    settings = _settings()

    async def main() -> None:
        engine = create_engine(settings.database_url)
        try:
            async with unit_of_work(create_sessionmaker(engine)) as session:
                await service.retry(session, args.id, actor=CLI_ACTOR)
        except (service.InboundEventNotFound, service.NotRetryable) as exc:
            raise CommandError(str(exc)) from None
        finally:
            await engine.dispose()
        print(f"event {args.id} is queued again")

    asyncio.run(main())


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    inbox = sub.add_parser("inbox", help="inbound events set aside: list and retry")
    actions = inbox.add_subparsers(dest="inbox_command", required=True, metavar="ACTION")
    failed = actions.add_parser("failed", help="list set-aside events, most recent first")
    failed.add_argument("--limit", type=int, default=50)
    failed.set_defaults(func=cmd_failed)
    retry = actions.add_parser("retry", help="queue a set-aside event again")
    retry.add_argument("id", type=int)
    retry.set_defaults(func=cmd_retry)
