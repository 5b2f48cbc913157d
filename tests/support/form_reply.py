"""A resident's WhatsApp Flow form: the completion message WhatsApp sends (reference §4.1).

`nfm_reply` carries the form's `complete` payload as a JSON *string* in `response_json`, with the
`flow_token` (sometimes missing) and, in `context.id`, the wamid of the message that carried the
form. Picker files arrive as `{file_name, mime_type, sha256 (base64), id}` (§2.9, §6.6).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

BUSINESS_NUMBER = "15550783881"


def picked_file(media_id: str, content: bytes, mime_type: str, file_name: str) -> dict[str, Any]:
    """One file of a PhotoPicker or DocumentPicker, as WhatsApp reports it in the completion."""
    digest = base64.b64encode(hashlib.sha256(content).digest()).decode()
    return {"file_name": file_name, "mime_type": mime_type, "sha256": digest, "id": media_id}


def completion(
    answers: dict[str, Any], *, context_id: str | None, flow_token: str | None
) -> dict[str, Any]:
    """The message object (without `from`, `id`, `timestamp`) of a submitted form."""
    payload = dict(answers)
    if flow_token is not None:
        payload["flow_token"] = flow_token
    message: dict[str, Any] = {
        "type": "interactive",
        "interactive": {
            "type": "nfm_reply",
            "nfm_reply": {
                "response_json": json.dumps(payload),
                "body": "Sent",
                "name": "flow",
            },
        },
    }
    if context_id is not None:
        message["context"] = {"from": BUSINESS_NUMBER, "id": context_id}
    return message


def form_parameters(replies: list[dict[str, Any]]) -> dict[str, Any]:
    """The `action.parameters` of the last Flow form among `replies`."""
    forms = [
        r["interactive"]["action"]["parameters"]
        for r in replies
        if r["type"] == "interactive" and r["interactive"]["type"] == "flow"
    ]
    assert forms, "no Flow form among the replies"
    return forms[-1]
