from __future__ import annotations

import base64
import hashlib

import pytest

from app.locker.digests import blob_key, digest_of_key, normalize_sha256

DATA = b"kartu keluarga"
HEX = hashlib.sha256(DATA).hexdigest()
RAW = hashlib.sha256(DATA).digest()


@pytest.mark.parametrize(
    "spelling",
    [
        HEX,
        HEX.upper(),
        f"  {HEX}\n",
        base64.b64encode(RAW).decode(),
        base64.b64encode(RAW).decode().rstrip("="),
        base64.urlsafe_b64encode(RAW).decode(),
    ],
)
def test_normalize_accepts_hex_and_base64(spelling: str) -> None:
    assert normalize_sha256(spelling) == HEX


@pytest.mark.parametrize(
    "bad", ["", "abc", HEX[:-1], "zz" * 32, base64.b64encode(b"short").decode(), "!!!!"]
)
def test_normalize_rejects_anything_else(bad: str) -> None:
    with pytest.raises(ValueError, match="not a SHA-256"):
        normalize_sha256(bad)


def test_blob_key_layout_round_trips() -> None:
    key = blob_key(HEX)
    assert key == f"sha256/{HEX[:2]}/{HEX[2:4]}/{HEX}"
    assert digest_of_key(key) == HEX


def test_blob_key_refuses_uppercase_or_short() -> None:
    with pytest.raises(ValueError):
        blob_key(HEX.upper())
    with pytest.raises(ValueError):
        blob_key(HEX[:10])


@pytest.mark.parametrize(
    "key",
    ["tmp/abc.part", f"sha256/00/00/{HEX}", f"sha256/{HEX[:2]}/{HEX[2:4]}/{HEX}.part", "x"],
)
def test_digest_of_key_ignores_foreign_names(key: str) -> None:
    assert digest_of_key(key) is None
