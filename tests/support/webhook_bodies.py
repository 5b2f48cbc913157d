"""Hypothesis strategies for webhook bodies: Meta's shape with hostile values, and anything else.

`meta_bodies` keeps the envelope Meta sends (`object`, `entry[].changes[].value` for our business
number) and fills it with messages of every type (text, interactive replies with forged ids,
template buttons, media, locations, reactions, contacts, types Meta has not invented yet),
statuses with `errors` arrays, contacts and account errors, whose fields hold hostile values,
wrong types or nothing at all (keys dropped at random). `webhook_bodies` adds arbitrary JSON and
raw bytes. Senders come mostly from a small pool so that conversations carry on across bodies and
reach the later questions.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.support.fuzz import forged_id, hostile_text

NUMBER = "106540352242922"  # live_settings' WHATSAPP_PHONE_NUMBER_ID
SENDERS = ["6281200000001", "6281200000002", "6281200000003"]

_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
)
# A wrong type where a string is expected, or the string itself.
_anything = st.one_of(
    _scalar,
    st.lists(_scalar, max_size=3),
    st.dictionaries(st.text(max_size=5), _scalar, max_size=3),
)
any_json = st.recursive(
    _scalar | hostile_text,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=30,
)


def _or_garbage(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`strategy` three times in four, else a value of a wrong type. (Not `one_of` with the
    strategy repeated: Hypothesis counts identical branches once.)"""
    return st.integers(0, 3).flatmap(lambda n: _anything if n == 0 else strategy)


def _dropping(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict of `fields` with some keys missing at random."""
    keys = sorted(fields)
    return st.tuples(
        st.fixed_dictionaries({key: fields[key] for key in keys}),
        st.sets(st.sampled_from(keys), max_size=2),
    ).map(lambda pair: {k: v for k, v in pair[0].items() if k not in pair[1] or k == "type"})


_text = _or_garbage(hostile_text)
sender = st.integers(0, 2).flatmap(lambda n: hostile_text if n == 0 else st.sampled_from(SENDERS))
wamid = st.one_of(
    st.uuids().map(lambda u: f"wamid.{u.hex}"),
    st.sampled_from(["wamid.same", "", "wamid." + "x" * 300]),
    hostile_text,
)
timestamp = st.one_of(
    st.integers(0, 4_000_000_000).map(str),
    st.integers(),
    st.floats(allow_nan=False),
    st.sampled_from(["", "-1", "1e400", "soon", "99999999999999999999"]),
)
_reply = _dropping(
    {
        "id": _or_garbage(
            st.one_of(forged_id, st.sampled_from(["svc:ktp", "svc:kk", "cmd:status"]))
        ),
        "title": _or_garbage(hostile_text),
        "description": _or_garbage(hostile_text),
    }
)


def _unknown_interactive(kind: Any, value: Any) -> dict[str, Any]:
    """An interactive reply of a sub-type we do not know (or a `type` that is no string)."""
    return {"type": kind, kind: value} if isinstance(kind, str) else {"type": kind}


_interactive = st.one_of(
    st.builds(
        lambda kind, reply: {"type": kind, kind: reply},
        st.sampled_from(["button_reply", "list_reply"]),
        _reply,
    ),
    st.builds(
        lambda body: {
            "type": "nfm_reply",
            "nfm_reply": {"response_json": body, "body": "Sent", "name": "flow"},
        },
        st.one_of(any_json.map(json.dumps), hostile_text),
    ),
    st.builds(_unknown_interactive, _or_garbage(hostile_text), any_json),
)
MIME_TYPES = [
    "image/jpeg",
    "application/pdf",
    "image/svg+xml",
    "application/x-msdownload",
    "text/html",
]
STATUSES = ["sent", "delivered", "read", "failed", "deleted", "x" * 60]
MEDIA_KINDS = ("image", "document", "audio", "video", "sticker")
_media = _dropping(
    {
        "id": _or_garbage(st.one_of(st.sampled_from(["1234567890", "media.x"]), hostile_text)),
        "mime_type": _or_garbage(st.sampled_from(MIME_TYPES)),
        "sha256": _or_garbage(hostile_text),
        "caption": _or_garbage(hostile_text),
        "filename": _or_garbage(
            st.sampled_from(["kk.jpg.exe", "../../x.pdf", "a\x00.pdf", "ktp.jpg"])
        ),
        "voice": st.booleans(),
    }
)
_location = _dropping(
    {
        "latitude": _or_garbage(st.floats(allow_nan=False)),
        "longitude": _or_garbage(st.floats(allow_nan=False)),
        "name": _or_garbage(hostile_text),
        "address": _or_garbage(hostile_text),
    }
)
_error = _dropping(
    {
        "code": _or_garbage(st.sampled_from([131051, 131026, 130429, 131047, 0, -1, 2**63])),
        "title": _or_garbage(hostile_text),
        "message": _or_garbage(hostile_text),
        "error_data": _or_garbage(st.fixed_dictionaries({"details": hostile_text})),
    }
)
errors = st.lists(_or_garbage(_error), max_size=3)


def _typed(kind: str, content: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, Any]]:
    return st.tuples(st.just(kind), content)


_content = st.one_of(
    _typed("text", _dropping({"body": _or_garbage(hostile_text)})),
    _typed("interactive", _or_garbage(_interactive)),
    _typed("button", _dropping({"payload": _or_garbage(forged_id), "text": _text})),
    *[_typed(kind, _or_garbage(_media)) for kind in MEDIA_KINDS],
    _typed("location", _or_garbage(_location)),
    _typed("reaction", _dropping({"message_id": wamid, "emoji": _or_garbage(hostile_text)})),
    _typed("contacts", st.lists(any_json, max_size=2)),
    st.tuples(_or_garbage(hostile_text), any_json),  # a type Meta has not invented yet
    st.tuples(st.just("unsupported"), st.none()),
)


def _rarely_broken(valid: st.SearchStrategy[Any], broken: st.SearchStrategy[Any]) -> Any:
    """`valid` nine times in ten, else `broken`: bodies must mostly get through to the store."""
    return st.integers(0, 9).flatmap(lambda n: broken if n == 0 else valid)


@st.composite
def _damaged(draw: st.DrawFn, doc: dict[str, Any]) -> dict[str, Any]:
    """`doc`, or (one time in five) `doc` with one key dropped or given a value of a wrong type."""
    how = draw(st.integers(0, 9))
    if how > 1 or not doc:
        return doc
    key = draw(st.sampled_from(sorted(doc)))
    if how == 0:
        return {k: v for k, v in doc.items() if k != key}
    return {**doc, key: draw(_anything)}


@st.composite
def messages(draw: st.DrawFn) -> dict[str, Any]:
    """One `value.messages[]` object."""
    kind, content = draw(_content)
    message: dict[str, Any] = {
        "from": draw(_rarely_broken(st.sampled_from(SENDERS), _or_garbage(hostile_text))),
        "id": draw(_rarely_broken(st.uuids().map(lambda u: f"wamid.{u.hex}"), _or_garbage(wamid))),
        "timestamp": draw(timestamp),
        "type": kind,
    }
    if draw(st.booleans()):
        message["context"] = draw(
            _or_garbage(st.fixed_dictionaries({"from": st.just(NUMBER), "id": wamid}))
        )
    if draw(st.integers(0, 4)) == 0:
        message["errors"] = draw(_or_garbage(errors))
    if isinstance(kind, str) and content is not None:
        message[kind] = content
    return draw(_damaged(message))


statuses = _dropping(
    {
        "id": _or_garbage(wamid),
        "status": _or_garbage(st.sampled_from(STATUSES)),
        "timestamp": timestamp,
        "recipient_id": _or_garbage(sender),
        "recipient_type": st.sampled_from(["individual", "group", ""]),
        "errors": _or_garbage(errors),
        "conversation": any_json,
        "pricing": any_json,
    }
)
contacts = _dropping(
    {
        "wa_id": _or_garbage(sender),
        "user_id": _or_garbage(hostile_text),
        "profile": _or_garbage(_dropping({"name": _text, "username": _text})),
    }
)


@st.composite
def meta_bodies(draw: st.DrawFn) -> dict[str, Any]:
    """A body in Meta's envelope for our number, with hostile contents (now and then a broken
    envelope: a key missing or of a wrong type, another number, another field or object)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": "15550783881",
            "phone_number_id": draw(_rarely_broken(st.just(NUMBER), st.sampled_from(["999", ""]))),
        },
        "contacts": draw(st.lists(_or_garbage(contacts), max_size=3)),
        "messages": draw(st.lists(_or_garbage(messages()), max_size=4)),
        "statuses": draw(st.lists(_or_garbage(statuses), max_size=3)),
    }
    if draw(st.integers(0, 4)) == 0:
        value["errors"] = draw(_or_garbage(errors))
    field = draw(_rarely_broken(st.just("messages"), st.sampled_from(["account_update", ""])))
    change = {"field": field, "value": draw(_damaged(value))}
    entry = draw(_damaged({"id": "waba", "changes": [change]}))
    kind = draw(_rarely_broken(st.just("whatsapp_business_account"), st.sampled_from(["page", ""])))
    return draw(_damaged({"object": kind, "entry": [entry]}))


def encoded(doc: Any) -> bytes:
    """The JSON bytes Meta would post (NaN and other non-JSON values included when present)."""
    return json.dumps(doc).encode()


# Meta's shape three times in five, then any JSON, then raw bytes.
_OTHER_BODIES = {3: any_json.map(encoded), 4: st.binary(max_size=256)}
webhook_bodies = st.integers(0, 4).flatmap(
    lambda n: _OTHER_BODIES.get(n, meta_bodies().map(encoded))
)
