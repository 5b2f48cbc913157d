"""The syntax of `LOKET_ENCRYPTION_KEY`: `base64key` or `id1:base64key1,id2:base64key2`.

Settings check it when they load, the locker builds its key ring from it; both read it here, so the
settings need not import the locker that imports them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

_KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def parse_encryption_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    """The master keys by id, in the order given; ValueError says what is wrong with `spec`.

    A key given without an id gets a stable one derived from the key itself, so the same
    configuration always names its blobs the same way.
    """
    keys: list[tuple[str, bytes]] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        key_id, sep, encoded = item.rpartition(":")
        key = _decode_key(encoded)
        if not sep:
            key_id = "k" + hashlib.sha256(b"loket-key-id" + key).hexdigest()[:12]
        if not _KEY_ID.match(key_id):
            raise ValueError(f"LOKET_ENCRYPTION_KEY: bad key id {key_id!r}")
        if any(known == key_id for known, _ in keys):
            raise ValueError(f"LOKET_ENCRYPTION_KEY: key id {key_id!r} given twice")
        keys.append((key_id, key))
    if not keys:
        raise ValueError("LOKET_ENCRYPTION_KEY is empty")
    return tuple(keys)


def _decode_key(encoded: str) -> bytes:
    text = encoded.strip()
    try:
        key = base64.b64decode(
            (text + "=" * (-len(text) % 4)).replace("-", "+").replace("_", "/"), validate=True
        )
    except (binascii.Error, ValueError):
        raise ValueError("LOKET_ENCRYPTION_KEY: a key is not valid base64") from None
    if len(key) != 32:
        raise ValueError(f"LOKET_ENCRYPTION_KEY: a key must be 32 bytes (base64), got {len(key)}")
    return key
