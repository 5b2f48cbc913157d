"""Cursors and status lists, the pure parts of reading requests (masking: test_masking.py)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.requests.queries import InvalidQuery, decode_cursor, encode_cursor, parse_statuses


@given(
    at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    request_id=st.integers(min_value=1, max_value=2**63 - 1),
)
def test_a_cursor_decodes_to_where_it_was_made(at: datetime, request_id: int) -> None:
    assert decode_cursor(encode_cursor((at, request_id))) == (at, request_id)


def test_a_cursor_keeps_the_offset_of_its_time() -> None:
    at = datetime(2026, 11, 20, 8, 0, tzinfo=timezone(timedelta(hours=7)))
    decoded, _ = decode_cursor(encode_cursor((at, 5)))
    assert decoded == at and decoded.utcoffset() == timedelta(hours=7)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "!!!",
        _b64(b"not json"),
        _b64(b"[1, 2, 3]"),
        _b64(b'["2026-11-20T01:00:00+00:00"]'),
        _b64(b'["2026-11-20T01:00:00", 1]'),  # no offset
        _b64(b'["2026-11-20T01:00:00+00:00", "1"]'),
        _b64(b'["2026-11-20T01:00:00+00:00", true]'),
        _b64(b'{"a": 1}'),
        _b64(b"\xff\xfe"),
    ],
)
def test_a_foreign_cursor_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidQuery) as caught:
        decode_cursor(cursor)
    assert caught.value.parameter == "cursor"


def test_statuses_are_split_trimmed_and_checked() -> None:
    assert parse_statuses(None) == ()
    assert parse_statuses(" , ") == ()
    assert parse_statuses("submitted, in_review,submitted") == ("submitted", "in_review")
    with pytest.raises(InvalidQuery, match="unknown status 'done'"):
        parse_statuses("submitted,done")
