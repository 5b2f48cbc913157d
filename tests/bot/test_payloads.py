"""Meta's webhook JSON → channel-agnostic inbound updates (app/bot/payloads.py)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bot.payloads import parse_updates, parse_webhook

OUR_NUMBER = "106540352242922"  # the phone_number_id of Meta's documentation examples


def _body(value: dict[str, Any], field: str = "messages") -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": field, "value": value}]}],
    }


def _value(messages: list[Any] | None = None, **extra: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": OUR_NUMBER},
        **extra,
    }
    if messages is not None:
        value["messages"] = messages
    return value


def _text(wamid: str = "wamid.A", sender: str = "6281234567890", **extra: Any) -> dict[str, Any]:
    return {
        "from": sender,
        "id": wamid,
        "timestamp": "1750000000",
        "type": "text",
        "text": {"body": "halo"},
        **extra,
    }


# --- every recorded payload ---------------------------------------------------------------


def test_every_recorded_body_yields_exactly_its_messages_and_statuses(
    shared_payload: dict[str, Any], keys_expected: Any
) -> None:
    sandbox = parse_updates(shared_payload, phone_number_id=None)
    assert [u.dedup_key for u in sandbox] == keys_expected(shared_payload, None)
    live = parse_updates(shared_payload, phone_number_id=OUR_NUMBER)
    assert [u.dedup_key for u in live] == keys_expected(shared_payload, OUR_NUMBER)
    for update in sandbox:
        assert update.user_id or update.wa_id
        json.dumps(update.payload, allow_nan=False)  # storable as JSON on both databases


def test_recorded_payload_totals_match_the_collection_notes(recorded_bodies: Any) -> None:
    """SOURCES.md counts the collection by type; group conversations are the only exclusions."""
    assert len(recorded_bodies) == 175
    types: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for _, doc in recorded_bodies:
        for update in parse_updates(doc, phone_number_id=None):
            if update.kind == "message":
                types[update.payload["message"]["type"]] += 1
            else:
                statuses[update.payload["status"]["status"]] += 1
    assert types == {
        "text": 18,  # 19 in SOURCES.md, one of them in a group
        "interactive": 11,
        "button": 5,
        "location": 4,
        "reaction": 4,
        "system": 4,
        "audio": 3,
        "image": 3,
        "order": 3,
        "sticker": 3,
        "unsupported": 3,
        "contacts": 2,
        "document": 2,
        "video": 2,
        "edit": 1,
        "revoke": 1,
    }
    assert statuses == {"sent": 17, "delivered": 17, "read": 14, "played": 1, "failed": 2}


def test_a_text_message_carries_sender_profile_time_and_raw_objects(load_payload: Any) -> None:
    doc = load_payload("meta-docs-mirror-WBAPI_Doc/text__example1.json")
    [update] = parse_updates(doc, phone_number_id=OUR_NUMBER)
    raw_value = doc["entry"][0]["changes"][0]["value"]
    assert update.kind == "message"
    assert update.dedup_key == f"m:{update.external_id}"
    assert update.external_id == raw_value["messages"][0]["id"]
    assert update.wa_id == raw_value["messages"][0]["from"]
    assert update.user_id is None
    assert update.profile_name == raw_value["contacts"][0]["profile"]["name"]
    stamp = int(raw_value["messages"][0]["timestamp"])
    assert update.occurred_at == datetime.fromtimestamp(stamp, UTC)
    assert update.payload == {
        "message": raw_value["messages"][0],
        "contact": raw_value["contacts"][0],
        "phone_number_id": OUR_NUMBER,
    }


def test_a_username_only_sender_is_keyed_by_bsuid(load_payload: Any) -> None:
    doc = load_payload(
        "whatsapp-api-js/bsuid_examples/03_incoming_message_with_username_has_parent_bsuid.json"
    )
    [update] = parse_updates(doc, phone_number_id=None)
    assert (update.user_id, update.wa_id) == ("US.13491208655302741918", None)
    assert (update.profile_name, update.username) == ("test user name", "@testusername")


def test_an_empty_wa_id_means_absent(load_payload: Any) -> None:
    doc = load_payload("meta-docs-mirror-WBAPI_Doc/business-scoped-user-ids__example3.json")
    [update] = parse_updates(doc, phone_number_id=OUR_NUMBER)
    assert update.identity == ("user.93737...", None)
    assert update.username == "@realsheenanelson"


def test_a_status_takes_the_bsuid_from_its_matching_contact(load_payload: Any) -> None:
    doc = load_payload(
        "whatsapp-api-js/bsuid_examples/07_sent_status_with_phone_has_parent_bsuid_was_sent_to_phone.json"
    )
    [update] = parse_updates(doc, phone_number_id=None)
    assert update.kind == "status"
    assert update.dedup_key == "s:ABGGFlA5Fpa:sent"
    assert update.identity == ("US.13491208655302741918", "16315551181")
    assert set(update.payload) == {"status", "phone_number_id"}


def test_a_failed_status_is_kept_with_its_errors(load_payload: Any) -> None:
    [update] = parse_updates(
        load_payload("pywa/message_status.json", "failed"), phone_number_id=None
    )
    assert update.dedup_key == "s:wamid.xyzxyz:failed"
    assert update.payload["status"]["errors"][0]["code"] == 130472


def test_account_errors_other_fields_and_other_numbers_are_ignored(load_payload: Any) -> None:
    errors = parse_webhook(
        load_payload("meta-docs-mirror-WBAPI_Doc/errors__example1.json"), phone_number_id=None
    )
    assert errors.updates == [] and errors.ignored == {}
    alerts = parse_webhook(
        load_payload("meta-docs-mirror-WBAPI_Doc/account_alerts__example1.json"),
        phone_number_id=None,
    )
    assert alerts.updates == [] and alerts.ignored == {"other": 1}
    other_number = parse_webhook(load_payload("pywa/message.json", "text"), phone_number_id="1")
    assert other_number.updates == [] and other_number.ignored == {"message": 1}


def test_unknown_message_types_are_kept_for_the_engine_to_reprompt() -> None:
    doc = _body(_value([{"from": "628111", "id": "wamid.X", "type": "hologram", "hologram": {}}]))
    [update] = parse_updates(doc, phone_number_id=OUR_NUMBER)
    assert update.payload["message"]["type"] == "hologram"
    assert update.occurred_at is None
    assert update.payload["contact"] is None


def test_group_messages_and_group_statuses_are_ignored(load_payload: Any) -> None:
    group = parse_webhook(
        load_payload("meta-docs-mirror-WBAPI_Doc/groups-messaging__example1.json"),
        phone_number_id=None,
    )
    assert group.updates == [] and group.ignored == {"message": 1}
    status = parse_webhook(load_payload("pywa/message_status.json", "group"), phone_number_id=None)
    assert status.updates == [] and status.ignored == {"status": 1}


# --- contacts ------------------------------------------------------------------------------


def test_the_contact_is_matched_by_sender_not_by_position() -> None:
    contacts = [
        {"profile": {"name": "Siti"}, "wa_id": "628111"},
        {"profile": {"name": "Budi"}, "wa_id": "628222"},
    ]
    doc = _body(_value([_text("wamid.1", "628222"), _text("wamid.2", "628999")], contacts=contacts))
    first, second = parse_updates(doc, phone_number_id=OUR_NUMBER)
    assert first.profile_name == "Budi" and first.payload["contact"] == contacts[1]
    assert second.profile_name is None and second.payload["contact"] is None


def test_a_lone_contact_describes_a_lone_message_even_if_the_number_format_differs() -> None:
    contact = {"profile": {"name": "Siti"}, "wa_id": "5511987654321", "user_id": "BR.1"}
    doc = _body(_value([_text(sender="551187654321")], contacts=[contact]))
    [update] = parse_updates(doc, phone_number_id=OUR_NUMBER)
    assert update.identity == ("BR.1", "551187654321")  # the message's own `from` wins
    assert update.profile_name == "Siti"


def test_a_contact_with_a_different_bsuid_is_never_attached() -> None:
    contact = {"profile": {"name": "Other"}, "wa_id": "628111", "user_id": "ID.other"}
    doc = _body(_value([_text(sender="628111", from_user_id="ID.me")], contacts=[contact]))
    [update] = parse_updates(doc, phone_number_id=OUR_NUMBER)
    assert update.identity == ("ID.me", "628111")
    assert update.profile_name is None and update.payload["contact"] is None


# --- malformed input is skipped, never raised -----------------------------------------------


def test_malformed_parts_are_skipped_and_the_rest_is_kept() -> None:
    good = _text("wamid.good")
    messages: list[Any] = [
        "not an object",
        {"id": 42, "from": "628111", "type": "text"},  # id must be a string
        {"id": "wamid.nobody", "type": "text"},  # neither from nor from_user_id
        {"id": "wamid.long", "from": "6" * 33, "type": "text"},  # longer than a wa_id can be
        {"id": "wamid.nul", "from": "628\x00111", "type": "text"},
        good,
    ]
    statuses: list[Any] = [
        {"id": "wamid.s", "recipient_id": "628111"},  # no status value
        {"id": "wamid.s", "status": "x" * 200, "recipient_id": "628111"},
        {"id": "wamid.s", "status": "read", "recipient_id": "628111", "timestamp": "soon"},
    ]
    doc = _body(_value(messages, statuses=statuses, contacts="nope", errors=[1, {"code": "x"}]))
    parsed = parse_webhook(doc, phone_number_id=OUR_NUMBER)
    assert [u.dedup_key for u in parsed.updates] == ["m:wamid.good", "s:wamid.s:read"]
    assert parsed.ignored == {"message": 5, "status": 2}
    assert parsed.updates[1].occurred_at is None


def test_envelopes_that_are_not_webhook_bodies_are_ignored() -> None:
    docs: list[Any] = [
        [],
        "text",
        {"object": "page", "entry": [{"changes": [{"field": "messages", "value": {}}]}]},
        {"entry": "x"},
        {"entry": [1, {"changes": [None, {"field": "messages", "value": []}]}]},
    ]
    for doc in docs:
        assert parse_updates(doc, phone_number_id=None) == []


def test_text_that_no_database_can_store_is_cleaned() -> None:
    message = _text(text={"body": "a\x00b\ud800c"})
    [update] = parse_updates(_body(_value([message])), phone_number_id=OUR_NUMBER)
    assert update.payload["message"]["text"]["body"] == "ab?c"
    assert update.payload["message"]["from"] == "6281234567890"


def test_absurd_nesting_is_ignored_instead_of_stored() -> None:
    deep: Any = "x"
    for _ in range(100):
        deep = {"d": deep}
    parsed = parse_webhook(_body(_value([_text(extra=deep)])), phone_number_id=OUR_NUMBER)
    assert parsed.updates == [] and parsed.ignored == {"message": 1}


def test_numeric_and_broken_timestamps() -> None:
    stamps = [1750000000, 1750000000.5, "1750000000", "-5", "NaN", "1e40", True, None, "x"]
    messages = [{**_text(f"wamid.{i}"), "timestamp": t} for i, t in enumerate(stamps)]
    updates = parse_updates(_body(_value(messages)), phone_number_id=OUR_NUMBER)
    base = datetime.fromtimestamp(1750000000, UTC)
    assert [u.occurred_at for u in updates] == [
        base,
        base.replace(microsecond=500000),
        base,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "from", "status", "type", "entry", "changes", "value", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(message=_json, status=_json, contact=_json, field=st.sampled_from(["messages", "other"]))
def test_arbitrary_json_inside_a_body_never_raises(
    message: Any, status: Any, contact: Any, field: str
) -> None:
    doc = _body(_value([message, _text()], statuses=[status], contacts=[contact]), field)
    for number in (None, OUR_NUMBER):
        updates = parse_updates(doc, phone_number_id=number)
        assert ("m:wamid.A" in [u.dedup_key for u in updates]) == (field == "messages")
        for update in updates:
            json.dumps(update.payload, allow_nan=False)


@given(doc=_json)
def test_arbitrary_json_as_the_whole_body_never_raises(doc: Any) -> None:
    parse_updates(doc, phone_number_id=None)
