"""The Flow a flow message opens on the simulated phone, and what its completion carries.

Live, a flow message names a Flow at Meta by `flow_id` (the registry of `loket flows publish`
says which service and language it serves) or by `flow_name` (`loket_<code>_<language>`), and
WhatsApp opens the JSON published there. The sandbox has nothing at Meta: the phone opens the
JSON the catalog generates now (`flow_for`), the same that export and publish use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.flows.catalog import Catalog, Service
from app.simulator.template_flows import template_flow_parameters
from app.whatsapp_flows.forms import LANGUAGES, flow_for, form_services
from app.whatsapp_flows.registry import FlowRegistry, flow_name

# WhatsApp's default when a sender gives no flow_token (reference §3.1).
DEFAULT_FLOW_TOKEN = "unused"
# Meta's limits on the files one completion carries (reference §2.8).
MAX_FLOW_FILES = 10
MAX_FLOW_BYTES = 100 * 1024 * 1024


class FlowNotFound(LookupError):
    """The message carries no Flow, or names one this deployment does not serve."""


@dataclass(frozen=True)
class OpenedFlow:
    """A Flow as the phone opens it: its JSON, the first screen and its data, the token."""

    service: str
    language: str
    flow: dict[str, Any]
    screen: str
    data: dict[str, Any]
    flow_token: str

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "language": self.language,
            "flow": self.flow,
            "screen": self.screen,
            "data": self.data,
            "flow_token": self.flow_token,
        }


def flow_parameters(body: dict[str, Any]) -> dict[str, Any]:
    """`action.parameters` of an interactive flow message (or what a FLOW-button template
    stands for); FlowNotFound for any other body."""
    from_template = template_flow_parameters(body)
    if from_template is not None:
        return from_template
    interactive = body.get("interactive") if body.get("type") == "interactive" else None
    if not isinstance(interactive, dict) or interactive.get("type") != "flow":
        raise FlowNotFound("not a flow message")
    parameters = (interactive.get("action") or {}).get("parameters")
    if not isinstance(parameters, dict):
        raise FlowNotFound("a flow message without parameters")
    return parameters


def open_flow(
    catalog: Catalog,
    registry: FlowRegistry,
    body: dict[str, Any],
    *,
    today: date,
    endpoint: bool = False,
) -> OpenedFlow:
    """The Flow an outbound flow message opens; FlowNotFound when there is none to open.
    `endpoint`: the data endpoint is configured, so the NIK screen calls it."""
    parameters = flow_parameters(body)
    service, language = _find(catalog, registry, parameters)
    flow = flow_for(service, language, today=today, endpoint=endpoint)
    payload = parameters.get("flow_action_payload") or {}
    data = payload.get("data") or {}
    if isinstance(data, str):  # Meta's 2026 page shows the data as a JSON string (§3.1)
        data = json.loads(data)
    screens = [str(screen["id"]) for screen in flow["screens"]]
    screen = str(payload.get("screen") or screens[0])
    if screen == "FIRST_ENTRY_SCREEN":
        screen = screens[0]
    if screen not in screens:
        raise FlowNotFound(f"the Flow has no screen {screen}")
    token = str(parameters.get("flow_token") or DEFAULT_FLOW_TOKEN)
    return OpenedFlow(service.code, language, flow, screen, dict(data), token)


def _find(
    catalog: Catalog, registry: FlowRegistry, parameters: dict[str, Any]
) -> tuple[Service, str]:
    wanted_id = parameters.get("flow_id")
    wanted_name = parameters.get("flow_name")
    for service in form_services(catalog):
        for language in LANGUAGES:
            if wanted_name and wanted_name == flow_name(service.code, language):
                return service, language
            if wanted_id and wanted_id == registry.flow_id(service.code, language):
                return service, language
    raise FlowNotFound(f"no form for flow_id={wanted_id!r} flow_name={wanted_name!r}")
