"""What the fake Graph API checks on messages that carry a WhatsApp Flow (reference §3.1, §3.2).

An interactive `flow` message needs `action.name: "flow"`, `flow_message_version: "3"`, exactly
one of `flow_id`/`flow_name`, a CTA (at most 30 characters; Loket keeps to 20), a `flow_action`
of `navigate` (with `flow_action_payload.screen` and a non-empty `data` object) or
`data_exchange` (without a payload). A template Meta approved with a FLOW button must be sent
with its `button` component of sub_type `flow`, or Meta answers 131009.
"""

from __future__ import annotations

from typing import Any

MAX_CTA = 30


def flow_message_problem(body: dict[str, Any]) -> str | None:
    """Why Meta would refuse this interactive `flow` body; None when it is well formed."""
    interactive = body.get("interactive")
    if not isinstance(interactive, dict) or interactive.get("type") != "flow":
        return None
    action = interactive.get("action")
    if not isinstance(action, dict) or action.get("name") != "flow":
        return "(#100) interactive flow: action.name must be flow"
    text = (interactive.get("body") or {}).get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > 1024:
        return "(#100) interactive flow: body.text is required (1024 characters at most)"
    parameters = action.get("parameters")
    if not isinstance(parameters, dict):
        return "(#100) interactive flow: action.parameters is required"
    if parameters.get("flow_message_version") != "3":
        return "(#100) flow_message_version must be 3"
    if ("flow_id" in parameters) == ("flow_name" in parameters):
        return "(#100) exactly one of flow_id or flow_name is required"
    cta = parameters.get("flow_cta")
    if not isinstance(cta, str) or not cta.strip() or len(cta) > MAX_CTA:
        return "(#100) flow_cta is required (30 characters at most)"
    flow_action = parameters.get("flow_action", "navigate")
    payload = parameters.get("flow_action_payload")
    if flow_action == "data_exchange":
        return "(#100) flow_action_payload is not allowed with data_exchange" if payload else None
    if flow_action != "navigate":
        return "(#100) flow_action must be navigate or data_exchange"
    if not isinstance(payload, dict) or not isinstance(payload.get("screen"), str):
        return "(#100) flow_action_payload.screen is required with navigate"
    data = payload.get("data")
    if not isinstance(data, dict) or not data:
        return "(#100) flow_action_payload.data must be a non-empty object"
    return None


def flow_template_problem(body: dict[str, Any], flow_templates: set[str]) -> str | None:
    """Why Meta refuses a FLOW-button template sent without its button (131009)."""
    template = body.get("template")
    if not isinstance(template, dict) or template.get("name") not in flow_templates:
        return None
    for component in template.get("components") or []:
        if component.get("type") == "button" and component.get("sub_type") == "flow":
            parameters = component.get("parameters") or []
            if parameters and isinstance(parameters[0].get("action"), dict):
                return None
    return "(#131009) Parameter value is not valid"
