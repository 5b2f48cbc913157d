"""Passwords (Argon2) and API tokens (random, stored as SHA-256)."""

from __future__ import annotations

import hashlib

import pytest

from app.operators import auth


def test_a_password_hash_verifies_only_the_same_password() -> None:
    hashed = auth.hash_password("rahasia-123")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "rahasia-123")
    assert not auth.verify_password(hashed, "rahasia-124")
    assert not auth.verify_password("not a hash", "rahasia-123")
    assert not auth.needs_rehash(hashed)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "the password is empty"),
        ("1234567", "the password is shorter than 8 characters"),
        ("x" * 1025, "the password is longer than 1024 characters"),
        ("12345678", None),
    ],
)
def test_password_rules(password: str, problem: str | None) -> None:
    assert auth.password_problem(password) == problem


def test_a_token_is_stored_as_its_sha256_with_a_display_prefix() -> None:
    first, second = auth.generate_token(), auth.generate_token()
    assert first.value != second.value
    assert first.value.startswith("lkt_") and len(first.value) == 4 + 43
    assert first.digest == hashlib.sha256(first.value.encode()).hexdigest()
    assert first.digest == auth.token_digest(first.value)
    assert first.prefix == first.value[:12]
