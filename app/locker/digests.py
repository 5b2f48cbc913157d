"""SHA-256 digests: Meta's two spellings of them, and the content-addressed key layout."""

from __future__ import annotations

import base64
import binascii
import re

_HEX = re.compile(r"^[0-9a-fA-F]{64}$")
_KEY = re.compile(r"^sha256/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")
KEY_PREFIX = "sha256/"


def normalize_sha256(value: str) -> str:
    """A SHA-256 given as hex or base64 (standard or URL-safe, padded or not), as lowercase hex.

    Meta's media endpoint and webhooks have sent both forms, so both are accepted. Raises
    `ValueError` for anything that is not exactly 32 bytes.
    """
    text = value.strip()
    if _HEX.match(text):
        return text.lower()
    padded = text + "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not a SHA-256 digest: {value!r}") from exc
    if len(raw) != 32:
        raise ValueError(f"not a SHA-256 digest: {value!r}")
    return raw.hex()


def blob_key(sha256_hex: str) -> str:
    """The storage key of a blob, `sha256/ab/cd/<hex>`: no directory grows past 65,536 entries."""
    if not _HEX.match(sha256_hex) or sha256_hex != sha256_hex.lower():
        raise ValueError(f"not a lowercase hex SHA-256: {sha256_hex!r}")
    return f"{KEY_PREFIX}{sha256_hex[:2]}/{sha256_hex[2:4]}/{sha256_hex}"


def digest_of_key(key: str) -> str | None:
    """The digest a well-formed blob key names, or None for anything else in the store."""
    match = _KEY.match(key)
    if match is None or not match.group(3).startswith(match.group(1) + match.group(2)):
        return None
    return match.group(3)
