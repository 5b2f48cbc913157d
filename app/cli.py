"""The `loket` command (contract §2).

Each sub-command is a small function; errors end as one line on stderr and a non-zero exit status,
never a traceback. Sub-commands that belong to other parts of the system register themselves in
`COMMANDS` below.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from app.cli_support import CommandError, command_settings
from app.config import ConfigError, Settings, parse_trusted_proxies
from app.conversations.cli import register as register_retention_commands
from app.flows.catalog import CatalogInvalid
from app.inbox.cli import register as register_inbox_commands
from app.locker.cli import register as register_locker_commands
from app.notifications.cli import register as register_template_commands
from app.operators.cli import register as register_operator_commands
from app.outbox.cli import register as register_outbox_commands
from app.whatsapp_flows.cli import register as register_flows_commands


def _settings() -> Settings:
    return command_settings()


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from app.main import create_app

    settings = _settings()
    if args.forwarded_allow_ips is not None:
        try:
            trusted = parse_trusted_proxies(args.forwarded_allow_ips, "--forwarded-allow-ips")
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
        settings = settings.model_copy(update={"forwarded_allow_ips": trusted})
    # Bound before anything is printed: a taken port is one line on stderr, not a URL that
    # leads to some other program.
    listener = _listen(args.host, args.port)
    app = create_app(settings, run_workers=not args.no_workers)
    base = (
        f"http://{'localhost' if args.host in ('0.0.0.0', '127.0.0.1') else args.host}:{args.port}"
    )
    print(f"Loket is serving on {base}", flush=True)
    print(f"  dashboard: {base}/dashboard/", flush=True)
    if settings.sandbox:
        print(f"  simulator: {base}/simulator  (sandbox mode: nothing goes to Meta)", flush=True)
    print(f"  webhook:   {base}/webhooks/whatsapp", flush=True)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_config=None,  # uvicorn's loggers go through configure_logging's handler
        access_log=True,
        proxy_headers=False,  # create_app applies LOKET_FORWARDED_ALLOW_IPS itself
        timeout_graceful_shutdown=2,
    )
    uvicorn.Server(config).run(sockets=[listener])


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to host:port for uvicorn; CommandError when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CommandError(
                f"port {port} on {host} is already in use: stop the program using it "
                "or choose another port with --port"
            ) from None
        raise CommandError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def cmd_worker(args: argparse.Namespace) -> None:
    from app.runtime import build_runtime
    from app.workers.runner import WorkerSet

    settings = _settings()

    async def main() -> None:
        runtime = build_runtime(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await WorkerSet(runtime).run_until(stop)
        finally:
            await runtime.aclose()

    # uvloop, as `loket serve` runs under uvicorn: a worker on PostgreSQL spends much of its
    # time in socket writes and wake-ups, which uvloop makes cheaper.
    with asyncio.Runner(loop_factory=_fast_loop()) as runner:
        runner.run(main())


def _fast_loop() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (it ships with uvicorn[standard]), else None."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def cmd_catalog_check(args: argparse.Namespace) -> None:
    from pathlib import Path

    from app.flows.catalog import SHIPPED_DIR, check_catalog

    directory = Path(args.directory) if args.directory else SHIPPED_DIR
    if not directory.is_dir():
        raise CommandError(f"{directory}: not a folder")
    errors = check_catalog(directory)
    if errors:
        raise CommandError(str(errors[0]))
    count = len(list(directory.glob("*.yaml"))) + len(list(directory.glob("*.yml")))
    print(f"{directory}: {count} service files, no errors")


def cmd_migrate(args: argparse.Namespace) -> None:
    from app.db import migrate

    settings = _settings()
    try:
        migrate.upgrade(settings.database_url, args.revision)
    except Exception as exc:
        raise CommandError(f"migration failed: {type(exc).__name__}: {exc}") from exc
    print(f"database is at {args.revision}")


Register = Callable[[argparse._SubParsersAction], None]  # type: ignore[type-arg]


def _register_core(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser("serve", help="run the webhook, API, dashboard and workers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-workers", action="store_true", help="serve HTTP only")
    serve.add_argument(
        "--forwarded-allow-ips",
        metavar="IPS",
        help="proxies whose X-Forwarded-For is believed (default: LOKET_FORWARDED_ALLOW_IPS)",
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run only the background workers")
    worker.set_defaults(func=cmd_worker)

    migrate = sub.add_parser("migrate", help="upgrade the database to the newest schema")
    migrate.add_argument("--revision", default="head", help=argparse.SUPPRESS)
    migrate.set_defaults(func=cmd_migrate)

    catalog = sub.add_parser("catalog", help="work with the service catalog")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", required=True, metavar="ACTION")
    check = catalog_sub.add_parser(
        "check", help="validate service files; exit 1 on the first error"
    )
    check.add_argument("directory", nargs="?", help="folder of service files (default: shipped)")
    check.set_defaults(func=cmd_catalog_check)


COMMANDS: list[Register] = [
    _register_core,
    register_operator_commands,
    register_retention_commands,
    register_locker_commands,
    register_template_commands,
    register_outbox_commands,
    register_inbox_commands,
    register_flows_commands,
]


class _Parser(argparse.ArgumentParser):
    """Usage errors end as one line on stderr (exit 2), like every other error of `loket`."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="loket", description="Loket: a WhatsApp service counter for local government."
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Every table mapped before any command runs, so relationships between them resolve; here and
    # not at the top, so `loket --help` stays quick.
    import app.models  # noqa: F401

    try:
        args.func(args)
    except CatalogInvalid as exc:
        print(f"loket: invalid service catalog: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        print(
            f"loket: database error: {reason} (is it migrated? run `loket migrate`)",
            file=sys.stderr,
        )
        return 1
    except (ConfigError, CommandError) as exc:
        print(f"loket: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, ConfigError) else 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`loket templates export | head`): not our error to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
