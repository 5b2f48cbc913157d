"""Files a Flow sends to the data endpoint: verify, then decrypt (reference §6.2–§6.3).

A PhotoPicker/DocumentPicker value sent by `data_exchange` is a list of
`{media_id, cdn_url, file_name, encryption_metadata}`. The CDN file is `ciphertext || mac10`:
AES-256-CBC with PKCS#7 padding, then the first 10 bytes of HMAC-SHA256(hmac_key, iv ||
ciphertext). Checked in this order, each failure refusing the file:

1. SHA-256 of the whole downloaded file (MAC included) equals `encrypted_hash`;
2. the truncated HMAC matches (constant-time compare) — before any byte is decrypted;
3. AES-256-CBC decrypts and the padding is valid;
4. SHA-256 of the plaintext equals `plaintext_hash`.

So a file changed on the way, cut short, swapped for another or decrypted with the wrong keys
never reaches the locker. `encrypt_media` does WhatsApp's side, for the simulator.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

MAC_BYTES = 10
BLOCK_BYTES = 16
_SIZES = {
    "encryption_key": 32,
    "hmac_key": 32,
    "iv": 16,
    "encrypted_hash": 32,
    "plaintext_hash": 32,
}


class MediaRefused(ValueError):
    """The file failed a check: `step` is metadata, encrypted_hash, hmac, padding or
    plaintext_hash; nothing from it may be kept."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step


@dataclass(frozen=True)
class EncryptionMetadata:
    """The keys and digests of one file, decoded from base64."""

    encryption_key: bytes
    hmac_key: bytes
    iv: bytes
    encrypted_hash: bytes
    plaintext_hash: bytes

    @classmethod
    def parse(cls, raw: Any) -> EncryptionMetadata:
        """Decode `encryption_metadata`; raises `MediaRefused("metadata")` on a bad field."""
        if not isinstance(raw, dict):
            raise MediaRefused("metadata", "encryption_metadata is not an object")
        values: dict[str, bytes] = {}
        for name, size in _SIZES.items():
            text = raw.get(name)
            if not isinstance(text, str):
                raise MediaRefused("metadata", f"{name} is missing")
            try:
                value = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                raise MediaRefused("metadata", f"{name} is not base64") from None
            if len(value) != size:
                raise MediaRefused("metadata", f"{name} has {len(value)} bytes, not {size}")
            values[name] = value
        return cls(**values)

    def as_json(self) -> dict[str, str]:
        """The metadata as WhatsApp sends it (base64 strings)."""
        return {name: base64.b64encode(getattr(self, name)).decode() for name in _SIZES}


def _mac(metadata: EncryptionMetadata, ciphertext: bytes) -> bytes:
    return hmac.new(metadata.hmac_key, metadata.iv + ciphertext, hashlib.sha256).digest()[
        :MAC_BYTES
    ]


def decrypt_media(blob: bytes, metadata: EncryptionMetadata) -> bytes:
    """The plaintext of a downloaded CDN file, verified; raises `MediaRefused`."""
    if not hmac.compare_digest(hashlib.sha256(blob).digest(), metadata.encrypted_hash):
        raise MediaRefused("encrypted_hash", "the downloaded file is not the one sent")
    ciphertext, mac = blob[:-MAC_BYTES], blob[-MAC_BYTES:]
    if len(blob) <= MAC_BYTES or len(ciphertext) % BLOCK_BYTES:
        raise MediaRefused("padding", f"{len(blob)} bytes cannot be ciphertext and a MAC")
    if not hmac.compare_digest(_mac(metadata, ciphertext), mac):
        raise MediaRefused("hmac", "the MAC does not match")
    decryptor = Cipher(algorithms.AES(metadata.encryption_key), modes.CBC(metadata.iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(BLOCK_BYTES * 8).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        raise MediaRefused("padding", "invalid PKCS#7 padding") from None
    if not hmac.compare_digest(hashlib.sha256(plain).digest(), metadata.plaintext_hash):
        raise MediaRefused("plaintext_hash", "the decrypted file is not the one sent")
    return plain


def encrypt_media(plain: bytes) -> tuple[bytes, EncryptionMetadata]:
    """Encrypt a file as WhatsApp does for the endpoint: (CDN bytes, metadata), fresh keys."""
    key, mac_key, iv = os.urandom(32), os.urandom(32), os.urandom(16)
    padder = padding.PKCS7(BLOCK_BYTES * 8).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    partial = EncryptionMetadata(key, mac_key, iv, b"", hashlib.sha256(plain).digest())
    blob = ciphertext + _mac(partial, ciphertext)
    metadata = EncryptionMetadata(
        key, mac_key, iv, hashlib.sha256(blob).digest(), partial.plaintext_hash
    )
    return blob, metadata
