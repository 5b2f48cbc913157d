"""`loket templates export`: the message templates as JSON, to submit to Meta for approval."""

from __future__ import annotations

import argparse
import json

from app.notifications.catalog import export_for_meta


def cmd_export(args: argparse.Namespace) -> None:
    print(json.dumps(export_for_meta(), ensure_ascii=False, indent=2))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    templates = sub.add_parser("templates", help="the WhatsApp message templates Loket uses")
    templates_sub = templates.add_subparsers(
        dest="templates_command", required=True, metavar="ACTION"
    )
    export = templates_sub.add_parser(
        "export", help="print every template (all languages) in Meta's template-API shape"
    )
    export.set_defaults(func=cmd_export)
