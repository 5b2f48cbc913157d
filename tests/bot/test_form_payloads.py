"""Reading a Flow completion (`nfm_reply`) from real webhook payloads (reference §4.1, §9)."""

from __future__ import annotations

import json
from typing import Any

from app.bot.inbound import reply_context, to_engine_input
from app.flows.inputs import FormSubmitted, UnsupportedInput
from tests.support.environment import PAYLOADS_DIR

PYWA = json.loads((PAYLOADS_DIR / "pywa" / "flow_completion.json").read_text("utf-8"))
ANSWERS = {
    "comment_text": "Comment Text",
    "delivery_rating": "4",
    "purchase_rating": "2",
    "recommend_radio": "0",
    "cs_rating": "0",
}


def _message(doc: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = doc["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


def test_a_completion_gives_its_answers_and_token_and_names_the_form_message() -> None:
    message = _message(PYWA["completion"])
    assert to_engine_input(message) == FormSubmitted(
        payload=ANSWERS, flow_token="AQAAAAACS5FpgQ_cAAAAAD0QI3s."
    )
    assert reply_context(message) == "wamid.gvwegfretge=="


def test_a_completion_without_flow_token_still_names_the_form_message() -> None:
    message = _message(PYWA["without_flow_token"])
    assert to_engine_input(message) == FormSubmitted(payload=ANSWERS, flow_token=None)
    assert reply_context(message) == "wamid.gvwegfretge=="


def _nfm(reply: dict[str, Any]) -> dict[str, Any]:
    return {"type": "interactive", "interactive": {"type": "nfm_reply", "nfm_reply": reply}}


def test_picker_files_keep_their_shape_with_the_hash_as_hex() -> None:
    """§6.6: `{file_name, mime_type, sha256 (base64), id}`; the locker compares hex."""
    files = [
        {
            "file_name": "IMG_5237.jpg",
            "mime_type": "image/jpeg",
            "sha256": "PqHgadp8cJ/N6mvAYGNMxhs9Ra5hbZFcctCtCClXsMU=",
            "id": "3631120727156756",
        }
    ]
    response = json.dumps({"doc_kk": files, "nik": "3201014508900003", "flow_token": "xyz"})
    item = to_engine_input(_nfm({"name": "flow", "body": "Sent", "response_json": response}))
    assert item == FormSubmitted(
        payload={
            "doc_kk": [
                {
                    "file_name": "IMG_5237.jpg",
                    "mime_type": "image/jpeg",
                    "sha256": "3ea1e069da7c709fcdea6bc060634cc61b3d45ae616d915c72d0ad082957b0c5",
                    "id": "3631120727156756",
                }
            ],
            "nik": "3201014508900003",
        },
        flow_token="xyz",
    )


def test_other_native_replies_and_broken_json_are_not_forms() -> None:
    """`nfm_reply` also carries an address message (§9, pitfall 16)."""
    address = _nfm({"name": "address_message", "body": "Sent", "response_json": "{}"})
    broken = _nfm({"name": "flow", "body": "Sent", "response_json": "{not json"})
    listed = _nfm({"name": "flow", "body": "Sent", "response_json": "[1, 2]"})
    assert to_engine_input(address) == UnsupportedInput(
        kind="interactive:nfm_reply:address_message"
    )
    assert to_engine_input(broken) == UnsupportedInput(kind="interactive:nfm_reply")
    assert to_engine_input(listed) == UnsupportedInput(kind="interactive:nfm_reply")
