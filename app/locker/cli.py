"""`loket locker reencrypt`: the locker's maintenance command.

(`loket purge`, which also redacts the personal data kept beside the files, is in
app/conversations/cli.py, above the locker.)
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from app.db import create_engine, create_sessionmaker
from app.locker.crypto import KeyRing
from app.locker.factory import store_from_settings
from app.locker.rotation import reencrypt_locker


def _run(args: argparse.Namespace, work: Any) -> None:
    from app.cli_support import command_settings as _settings

    settings = _settings()

    async def main() -> None:
        engine = create_engine(settings.database_url)
        store = store_from_settings(settings)
        try:
            async with create_sessionmaker(engine)() as session:
                await work(settings, session, store)
        finally:
            await store.aclose()
            await engine.dispose()

    asyncio.run(main())


def cmd_reencrypt(args: argparse.Namespace) -> None:
    from app.cli_support import CommandError

    async def work(settings: Any, session: Any, store: Any) -> None:
        if settings.encryption_key is None:
            raise CommandError("LOKET_ENCRYPTION_KEY is not set: nothing to encrypt with")
        keys = KeyRing.parse(settings.encryption_key.get_secret_value())
        report = await reencrypt_locker(session, store, keys)
        print(
            f"re-encrypted {report.rewritten} files under key {keys.current_id}; "
            f"{report.skipped} already current; {len(report.failed)} failed"
        )
        if report.failed:
            raise CommandError(f"{len(report.failed)} files could not be re-encrypted")

    _run(args, work)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    locker = sub.add_parser("locker", help="maintain the document locker")
    locker_sub = locker.add_subparsers(dest="locker_command", required=True, metavar="ACTION")
    reencrypt = locker_sub.add_parser(
        "reencrypt", help="rewrite every stored file under the current LOKET_ENCRYPTION_KEY"
    )
    reencrypt.set_defaults(func=cmd_reencrypt)
