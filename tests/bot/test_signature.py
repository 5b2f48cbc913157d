"""X-Hub-Signature-256: HMAC-SHA256 of the raw body with the app secret."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.bot.signature import SignatureResult, sign, verify_signature

SECRET = b"test-app-secret"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def test_sign_matches_a_published_hmac_sha256_vector() -> None:
    # The well-known example from the HMAC article on Wikipedia.
    assert sign(b"key", b"The quick brown fox jumps over the lazy dog") == (
        "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )


def test_a_correct_signature_is_valid() -> None:
    result = verify_signature(SECRET, BODY, sign(SECRET, BODY))
    assert result is SignatureResult.VALID
    assert result.ok


def test_uppercase_hex_and_prefix_and_surrounding_spaces_are_accepted() -> None:
    digest = sign(SECRET, BODY).removeprefix("sha256=")
    assert verify_signature(SECRET, BODY, f"  SHA256={digest.upper()} ") is SignatureResult.VALID


@pytest.mark.parametrize("header", [None, "", "   "])
def test_no_signature_is_missing(header: str | None) -> None:
    assert verify_signature(SECRET, BODY, header) is SignatureResult.MISSING


@pytest.mark.parametrize(
    "header",
    [
        "sha256=" + "0" * 64,
        "sha256=",
        "sha1=" + "0" * 40,
        "deadbeef",
        "sha256=ÿÿÿ",
        sign(b"another-secret", BODY),
        sign(SECRET, BODY).removeprefix("sha256="),  # digest without the prefix
        sign(SECRET, BODY)[:-1],  # truncated
    ],
)
def test_a_wrong_or_malformed_signature_is_invalid(header: str) -> None:
    result = verify_signature(SECRET, BODY, header)
    assert result is SignatureResult.INVALID
    assert not result.ok


def test_the_signature_covers_the_raw_bytes_not_the_json_meaning() -> None:
    # Same JSON document, different bytes: Meta signs bytes, so only the exact bytes verify.
    reformatted = b'{"object": "whatsapp_business_account", "entry": []}'
    assert verify_signature(SECRET, reformatted, sign(SECRET, BODY)) is SignatureResult.INVALID


@given(body=st.binary(max_size=512), other=st.binary(min_size=1, max_size=16))
def test_any_body_verifies_with_its_own_signature_only(body: bytes, other: bytes) -> None:
    assert verify_signature(SECRET, body, sign(SECRET, body)) is SignatureResult.VALID
    assert verify_signature(SECRET, body + other, sign(SECRET, body)) is SignatureResult.INVALID
