"""`loket flows export [SERVICE] [--lang id|en]`, `loket flows publish [SERVICE] [--lang]` and
`loket flows keygen` (keygen_cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from datetime import datetime

import httpx

from app.config import Settings
from app.flows.catalog import Catalog, load_catalog
from app.flows.forms import FormError
from app.whatsapp_flows.forms import (
    LANGUAGES,
    UnknownForm,
    endpoint_configured,
    endpoint_uri,
    flow_for,
    form_services,
)
from app.whatsapp_flows.graph import FlowsApi
from app.whatsapp_flows.keygen_cli import register_keygen
from app.whatsapp_flows.publish import publish_flows
from app.whatsapp_flows.registry import FlowRegistry, RegistryError


def _settings() -> Settings:
    from app.cli_support import command_settings as load

    return load()


def _fail(message: str) -> Exception:
    from app.cli_support import CommandError

    return CommandError(message)


def _transport() -> httpx.AsyncBaseTransport | None:
    """The HTTP transport to Meta (None: the network); tests put the fake Graph API here."""
    return None


def _catalog(settings: Settings) -> Catalog:
    return load_catalog(settings.catalog_dir)


def cmd_export(args: argparse.Namespace) -> None:
    settings = _settings()
    today = datetime.now(settings.tz).date()
    try:
        services = form_services(_catalog(settings), args.service)
        endpoint = endpoint_configured(settings)
        flows = {s.code: flow_for(s, args.lang, today=today, endpoint=endpoint) for s in services}
    except UnknownForm as exc:
        raise _fail(str(exc)) from None
    except FormError as exc:  # only with a catalog the loader did not check (cannot happen)
        raise _fail(str(exc)) from None
    output = flows[args.service] if args.service else flows
    print(json.dumps(output, ensure_ascii=False, indent=2))


def cmd_publish(args: argparse.Namespace) -> None:
    settings = _settings()
    if settings.sandbox:
        raise _fail(
            "flows publish talks to Meta: it needs live mode (WHATSAPP_ACCESS_TOKEN and the "
            "other WHATSAPP_* values); sandbox mode never leaves this machine"
        )
    if not settings.whatsapp_business_account_id:
        raise _fail(
            "WHATSAPP_BUSINESS_ACCOUNT_ID is not set: Flows belong to the WhatsApp Business "
            "Account (WhatsApp Manager → Account tools)"
        )
    try:
        services = form_services(_catalog(settings), args.service)
        registry = FlowRegistry.for_settings(settings)
    except (UnknownForm, RegistryError) as exc:
        raise _fail(str(exc)) from None
    languages = [args.lang] if args.lang else list(LANGUAGES)
    today = datetime.now(settings.tz).date()
    # The outcome lines are the report; httpx's line per request would bury them.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    async def main() -> list[str]:
        async with httpx.AsyncClient(
            transport=_transport(), timeout=httpx.Timeout(60.0, connect=10.0)
        ) as http:
            outcomes = await publish_flows(
                FlowsApi(settings, http),
                registry,
                services,
                languages,
                today=today,
                endpoint_uri=endpoint_uri(settings),
            )
        for outcome in outcomes:
            print("\n".join(outcome.lines()), flush=True)
        return [f"{o.code} {o.language}" for o in outcomes if not o.ok]

    failed = asyncio.run(main())
    if failed:
        sys.stdout.flush()
        raise _fail(f"{len(failed)} Flow(s) not published: {', '.join(failed)}")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    flows = sub.add_parser("flows", help="WhatsApp Flow forms generated from the catalog")
    actions = flows.add_subparsers(dest="flows_command", required=True, metavar="ACTION")
    export = actions.add_parser(
        "export", help="print the Flow JSON: all services keyed by code, or one service's"
    )
    export.add_argument("service", nargs="?", help="one service code (default: every service)")
    export.add_argument("--lang", choices=LANGUAGES, default="id", help="language (default id)")
    export.set_defaults(func=cmd_export)
    publish = actions.add_parser(
        "publish", help="create or update the Flows at Meta and publish them (live mode)"
    )
    publish.add_argument("service", nargs="?", help="one service code (default: every service)")
    publish.add_argument("--lang", choices=LANGUAGES, help="one language (default: both)")
    publish.set_defaults(func=cmd_publish)
    register_keygen(actions)
