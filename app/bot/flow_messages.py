"""Graph API bodies that carry a WhatsApp Flow form, and reading the form's token back.

Inside the 24-hour window a form goes as an interactive message of type `flow` (reference §3.1);
outside it as an approved template whose FLOW button carries the token (§3.2: the button
component must be sent, or Meta answers 131009). Both are stored unaddressed, like every body
of `app.bot.messages`. A completion (`nfm_reply`) names the message that carried the form in
`context.id`; `flow_token_of` reads the token from the stored body of that message.
"""

from __future__ import annotations

from typing import Any

from app.bot.errors import MessageLimitError
from app.bot.messages import MAX_BUTTON_BODY, template

FLOW_MESSAGE_VERSION = "3"
# Meta advises at most 30 characters for the CTA; older clients and libraries enforce 20.
MAX_FLOW_CTA = 20
MAX_FLOW_TEMPLATE_BUTTON = 25


def flow_reference(flow_id: str | None, flow_name: str | None) -> dict[str, str]:
    """`{"flow_id": …}` or `{"flow_name": …}`: exactly one names the Flow to open."""
    if (flow_id is None) == (flow_name is None):
        raise MessageLimitError("flow: give exactly one of flow_id or flow_name")
    return {"flow_id": flow_id} if flow_id is not None else {"flow_name": str(flow_name)}


def flow_message(
    body: str,
    *,
    cta: str,
    token: str,
    flow: dict[str, str],
    screen: str,
    data: dict[str, Any],
) -> dict[str, Any]:
    """An interactive `flow` message opening `screen` of the Flow with `data` (published mode)."""
    if not body.strip() or len(body) > MAX_BUTTON_BODY:
        raise MessageLimitError(f"flow body must have 1 to {MAX_BUTTON_BODY} characters")
    if not cta.strip() or len(cta) > MAX_FLOW_CTA:
        raise MessageLimitError(f"flow CTA must have 1 to {MAX_FLOW_CTA} characters")
    if not token:
        raise MessageLimitError("flow: a flow_token binds the form to its draft")
    parameters: dict[str, Any] = {
        "flow_message_version": FLOW_MESSAGE_VERSION,
        "flow_token": token,
        **flow,
        "flow_cta": cta,
        "flow_action": "navigate",
        # Meta wants a non-empty data object with `navigate`; an empty prefill still names it.
        "flow_action_payload": {"screen": screen, "data": data or {"unused": ""}},
    }
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "type": "interactive",
        "interactive": {
            "type": "flow",
            "body": {"text": body},
            "action": {"name": "flow", "parameters": parameters},
        },
    }


def flow_template(
    name: str,
    language: str,
    *,
    body_params: list[str],
    token: str,
    data: dict[str, Any] | None = None,
    button_index: int = 0,
    quick_reply_payloads: list[str] | None = None,
) -> dict[str, Any]:
    """An approved template with a FLOW button, sent with the button's token and first data.

    Quick replies before it (`quick_reply_payloads`) take the first indexes; the FLOW button's
    `button_index` is then their count."""
    quick = quick_reply_payloads or []
    body = template(name, language, body_params=body_params, quick_reply_payloads=quick)
    action: dict[str, Any] = {"flow_token": token}
    if data:
        action["flow_action_data"] = data
    body["template"].setdefault("components", []).append(
        {
            "type": "button",
            "sub_type": "flow",
            "index": str(button_index),
            "parameters": [{"type": "action", "action": action}],
        }
    )
    return body


def flow_token_of(body: dict[str, Any] | None) -> str | None:
    """The flow_token a stored body carried: a `flow` message or a FLOW-button template."""
    if not isinstance(body, dict):
        return None
    interactive = body.get("interactive")
    if isinstance(interactive, dict) and interactive.get("type") == "flow":
        parameters = (interactive.get("action") or {}).get("parameters") or {}
        token = parameters.get("flow_token") if isinstance(parameters, dict) else None
        return token if isinstance(token, str) and token else None
    content = body.get("template")
    components = content.get("components") if isinstance(content, dict) else None
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict) or component.get("sub_type") != "flow":
            continue
        for parameter in component.get("parameters") or []:
            action = parameter.get("action") if isinstance(parameter, dict) else None
            token = action.get("flow_token") if isinstance(action, dict) else None
            if isinstance(token, str) and token:
                return token
    return None
