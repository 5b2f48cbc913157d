"""Secrets: Argon2 password hashes and API tokens (random, stored only as a SHA-256 digest).

A token is high-entropy, so a plain SHA-256 is enough to store it safely and lets the API find it
with one indexed look-up; passwords are low-entropy and get Argon2id, which is slow on purpose.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
# Every token starts with this marker, which lets secret scanners recognise a leaked one and keeps
# a token (and its display prefix) from ever starting with "-", which a shell command would take
# for an option.
TOKEN_MARKER = "lkt_"
TOKEN_PREFIX_LENGTH = len(TOKEN_MARKER) + 8

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`, with its own salt and parameters."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches the hash; False for a wrong password or a malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at next login)."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str) -> str | None:
    """Why `password` may not be used, or None when it is acceptable."""
    if not password:
        return "the password is empty"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password is shorter than {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password is longer than {MAX_PASSWORD_LENGTH} characters"
    return None


@dataclass(frozen=True)
class NewToken:
    """A freshly generated token: `value` is shown once; only `digest` and `prefix` are kept."""

    value: str
    digest: str
    prefix: str


def token_digest(token: str) -> str:
    """The hex SHA-256 of a token, as stored in `api_token.token_hash`."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def generate_token() -> NewToken:
    """A new random API token: the marker and 256 random bits, URL-safe."""
    value = TOKEN_MARKER + secrets.token_urlsafe(32)
    return NewToken(value=value, digest=token_digest(value), prefix=value[:TOKEN_PREFIX_LENGTH])


def generate_password() -> str:
    """A random password that is easy to copy from a terminal (no look-alike punctuation)."""
    return secrets.token_urlsafe(12)
