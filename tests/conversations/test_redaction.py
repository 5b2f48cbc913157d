"""What retention leaves of a stored message and of a snapshot (app/conversations/redaction.py)."""

from __future__ import annotations

import re

from app.conversations.redaction import REDACTED, prune_snapshot, redact_json

TICKET = "KTP-261120-0005"
_TICKET = re.compile(r"KTP-\d{6}-\d{4}")


def named(text: str) -> frozenset[str]:
    return frozenset(_TICKET.findall(text))


def test_a_message_keeps_its_structure_and_tickets_only() -> None:
    payload = {
        "message": {
            "from": "6281234500001",
            "id": "wamid.A",
            "timestamp": "1764000000",
            "type": "location",
            "location": {"latitude": -6.9, "longitude": 107.6, "address": "Jl. Melati 3"},
        },
        "contact": {"profile": {"name": "Siti Aminah"}, "wa_id": "6281234500001"},
    }
    assert redact_json(payload, named) == {
        "message": {
            "from": REDACTED,
            "id": "wamid.A",
            "timestamp": "1764000000",
            "type": "location",
            "location": {"latitude": None, "longitude": None, "address": REDACTED},
        },
        "contact": {"profile": {"name": REDACTED}, "wa_id": REDACTED},
    }


def test_a_template_keeps_its_name_language_and_ticket() -> None:
    body = {
        "type": "template",
        "template": {
            "name": "loket_status",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": TICKET},
                        {"type": "text", "text": f"NIK 3201014508900003 untuk {TICKET}"},
                    ],
                }
            ],
        },
    }
    redacted = redact_json(body, named)
    template = redacted["template"]
    assert (template["name"], template["language"]) == ("loket_status", {"code": "id"})
    assert template["components"][0]["parameters"] == [
        {"type": "text", "text": TICKET},
        {"type": "text", "text": f"{REDACTED} {TICKET}"},
    ]
    assert redact_json(redacted, named) == redacted  # a second pass changes nothing


def test_a_snapshot_loses_expired_answers_and_a_stale_draft() -> None:
    snapshot = {
        "version": 1,
        "language": "id",
        "prompts": 12,
        "draft": {"service": "kk", "fields": {"nik": "3201015203950002"}, "ticket": None},
        "submitted": {TICKET: {"fields": {"nik": "3201014508900003"}}, "KK-1": {"fields": {}}},
    }
    recent = prune_snapshot(snapshot, {TICKET}, {"KK-1"}, stale=False)
    assert recent == {**snapshot, "submitted": {"KK-1": {"fields": {}}}}
    stale = prune_snapshot(snapshot, {TICKET}, {"KK-1"}, stale=True)
    assert stale == {
        "version": 1,
        "language": "id",
        "prompts": 12,
        "submitted": {"KK-1": {"fields": {}}},
    }
    # A stale conversation correcting a request still kept keeps its draft.
    correcting = {**snapshot, "draft": {**snapshot["draft"], "ticket": "KK-1"}}
    kept = prune_snapshot(correcting, {TICKET}, {"KK-1"}, stale=True)
    assert kept["draft"] == correcting["draft"]
