"""`loket purge`: the whole retention policy now, as the workers apply it daily.

The locker's files go first (`app.locker.purge`), then the personal data kept beside them
(retention.py). The command lives here, above both, so the locker never imports what is built on
it.
"""

from __future__ import annotations

import argparse
import asyncio

from app.conversations.retention import redact_expired
from app.db import create_engine, create_sessionmaker, utcnow
from app.locker import purge, store_from_settings


def cmd_purge(args: argparse.Namespace) -> None:
    from app.cli_support import command_settings

    settings = command_settings()

    async def main() -> None:
        engine = create_engine(settings.database_url)
        store = store_from_settings(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                now = utcnow()
                report = await purge(session, store, now, settings.retention_days)
                print(
                    f"purged {report.documents_purged} documents "
                    f"({report.released} of ended requests, {report.drafts} never submitted, "
                    f"{report.expired} expired); deleted {report.blobs_deleted} files, "
                    f"{report.bytes_freed} bytes; {report.stray_files_deleted} stray files; "
                    f"{report.failures} failures"
                )
                redacted = await redact_expired(session, now, settings.retention_days)
                print(
                    f"redacted personal data: {redacted.requests} requests, "
                    f"{redacted.inbound} messages received, {redacted.outbound} messages sent, "
                    f"{redacted.conversations} conversations"
                )
        finally:
            await store.aclose()
            await engine.dispose()

    asyncio.run(main())


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    purge_cmd = sub.add_parser(
        "purge", help="apply the retention policy now (the workers also do it daily)"
    )
    purge_cmd.set_defaults(func=cmd_purge)
