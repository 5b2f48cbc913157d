"""The Flow a FLOW-button template opens on the simulated phone.

Live, Meta keeps the Flow with the approved template (one copy per service: `loket_formulir_<code>`,
`loket_pengingat_perpanjang_formulir_<code>`), and the send carries only the button's token and
first data. The sandbox reads the service from the copy's name and opens the catalog's form by
its Flow name, as an interactive flow message naming it would.
"""

from __future__ import annotations

from typing import Any

from app.notifications.catalog import templates
from app.whatsapp_flows.registry import flow_name


def flow_button(body: dict[str, Any]) -> dict[str, Any] | None:
    """The `action` of a template's FLOW button (`flow_token`, `flow_action_data`), if any."""
    spec = body.get("template") if body.get("type") == "template" else None
    components = spec.get("components") if isinstance(spec, dict) else None
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict) or component.get("sub_type") != "flow":
            continue
        for parameter in component.get("parameters") or []:
            action = parameter.get("action") if isinstance(parameter, dict) else None
            if isinstance(action, dict):
                return action
        return {}
    return None


def template_flow_parameters(body: dict[str, Any]) -> dict[str, Any] | None:
    """What an interactive flow message opening the same form would carry, or None when the
    body is no FLOW-button template of a known service copy."""
    action = flow_button(body)
    if action is None:
        return None
    spec = body["template"]
    name = str(spec.get("name") or "")
    language = str((spec.get("language") or {}).get("code") or "id")
    bases = sorted((t.name for t in templates().values() if t.flow), key=len, reverse=True)
    base = next((b for b in bases if name.startswith(b + "_")), None)
    if base is None:
        return None
    code = name[len(base) + 1 :]
    return {
        "flow_token": action.get("flow_token"),
        "flow_name": flow_name(code, language),
        # The template's FLOW button names its entry screen at Meta; the phone opens the first.
        "flow_action_payload": {
            "screen": "FIRST_ENTRY_SCREEN",
            "data": action.get("flow_action_data") or {},
        },
    }
