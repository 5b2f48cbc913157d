"""Flow tokens: genuine ones read back; forged, changed, foreign and expired ones are refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from app.whatsapp_flows.flow_tokens import (
    FlowToken,
    TokenRefused,
    form_token_of,
    issue_token,
    read_token,
    token_key,
)

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
KEY = token_key("test-secret-key-of-thirty-two-bytes-or-more")


def _token(**changes: object) -> str:
    claims: dict[str, object] = {
        "resident_id": 42,
        "service": "sipi_perpanjangan",
        "language": "en",
        "now": NOW,
        "lifetime": timedelta(hours=72),
    }
    claims.update(changes)
    return issue_token(KEY, **claims)  # type: ignore[arg-type]


def test_a_token_reads_back_what_it_was_issued_for() -> None:
    token = _token()
    assert len(token) < 200
    assert read_token(KEY, token, now=NOW + timedelta(hours=71)) == FlowToken(
        42, "sipi_perpanjangan", "en", NOW + timedelta(hours=72)
    )


def test_a_renewal_token_names_its_subject_and_outlives_the_reminders_month() -> None:
    token = _token(subject="bintang laut", lifetime=timedelta(days=45))
    assert len(token) < 200
    assert read_token(KEY, token, now=NOW + timedelta(days=44)) == FlowToken(
        42, "sipi_perpanjangan", "en", NOW + timedelta(days=45), subject="bintang laut"
    )


def test_a_renewal_subject_cannot_be_changed() -> None:
    version, body, mac = _token(subject="bintang laut").split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["j"] = "cahaya timur"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenRefused, match="signature"):
        read_token(KEY, f"{version}.{forged}.{mac}", now=NOW)


def test_two_tokens_for_the_same_form_differ() -> None:
    assert _token() != _token()


def test_an_expired_token_is_refused_as_expired() -> None:
    with pytest.raises(TokenRefused, match="expired") as refused:
        read_token(KEY, _token(), now=NOW + timedelta(hours=72))
    assert refused.value.expired is True


def test_a_token_with_changed_claims_is_refused() -> None:
    version, body, mac = _token().split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["r"] = 43  # another resident
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenRefused, match="signature") as refused:
        read_token(KEY, f"{version}.{forged}.{mac}", now=NOW)
    assert refused.value.expired is False


def test_a_token_signed_with_another_secret_is_refused() -> None:
    other = issue_token(
        token_key("another-secret-key-of-thirty-two-bytes"),
        resident_id=42,
        service="ktp",
        language="id",
        now=NOW,
        lifetime=timedelta(hours=1),
    )
    with pytest.raises(TokenRefused, match="signature"):
        read_token(KEY, other, now=NOW)


@pytest.mark.parametrize("token", [None, "", "unused", "my_flow_token", "v1.a.b.c", "v1.é.x"])
def test_anything_else_is_not_a_token(token: object) -> None:
    with pytest.raises(TokenRefused):
        read_token(KEY, token, now=NOW)


def test_a_token_wraps_the_form_it_was_sent_with_and_stays_signed() -> None:
    form = "0d4f5c3e2b1a49c8a7f6e5d4c3b2a190"
    token = _token(form=form)
    assert len(token) < 200
    assert form_token_of(token) == form
    assert read_token(KEY, token, now=NOW).resident_id == 42
    body = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    body["r"] = 43  # another resident with the same form: the signature no longer matches
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenRefused):
        read_token(KEY, f"v1.{forged}.{token.split('.')[2]}", now=NOW)
    with pytest.raises(TokenRefused) as expired:
        read_token(KEY, token, now=NOW + timedelta(hours=73))
    assert expired.value.expired


@pytest.mark.parametrize("token", [None, "a1b2c3", "v1.not-base64!.x", "v1.e30.x"])
def test_a_token_that_wraps_nothing_is_its_own_form_token(token: str | None) -> None:
    assert form_token_of(token) == token


def test_a_renewal_token_is_read_whole_not_unwrapped() -> None:
    token = _token(subject="km-bintang-laut")
    assert form_token_of(token) == token
    assert read_token(KEY, token, now=NOW).subject == "km-bintang-laut"
