"""Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`.

The HMAC is computed over the raw request bytes, before any JSON parsing, because re-serialising
the document would not reproduce Meta's bytes. See
https://developers.facebook.com/docs/whatsapp/create-webhook-endpoint ("Validating payloads").
"""

from __future__ import annotations

import hashlib
import hmac
from enum import Enum

SIGNATURE_HEADER = "X-Hub-Signature-256"
_PREFIX = "sha256="


class SignatureResult(Enum):
    """Outcome of checking a webhook signature; the router maps it to an HTTP status."""

    VALID = "valid"
    MISSING = "missing"  # no header (or an empty one): 401
    INVALID = "invalid"  # present but wrong or malformed: 403

    @property
    def ok(self) -> bool:
        return self is SignatureResult.VALID


def sign(app_secret: bytes, body: bytes) -> str:
    """The header value Meta would send for `body`: `sha256=<64 lowercase hex digits>`."""
    return _PREFIX + hmac.new(app_secret, body, hashlib.sha256).hexdigest()


def verify_signature(app_secret: bytes, body: bytes, header: str | None) -> SignatureResult:
    """Check `header` against the HMAC-SHA256 of the raw `body` in constant time.

    The hex digest is compared case-insensitively (hex is hex), and the comparison itself uses
    `hmac.compare_digest` so the time taken does not reveal how many leading characters matched.
    """
    if header is None or not header.strip():
        return SignatureResult.MISSING
    value = header.strip()
    if value[: len(_PREFIX)].lower() != _PREFIX:
        return SignatureResult.INVALID
    given = value[len(_PREFIX) :].lower()
    expected = hmac.new(app_secret, body, hashlib.sha256).hexdigest()
    # compare_digest needs ASCII-only str arguments; anything else cannot be a valid hex digest.
    if not given.isascii():
        return SignatureResult.INVALID
    if hmac.compare_digest(given, expected):
        return SignatureResult.VALID
    return SignatureResult.INVALID
