"""Files sent to the data endpoint: the published vectors decrypt; any change is refused."""

from __future__ import annotations

import base64
import hashlib

import pytest

from app.whatsapp_flows.media_crypto import (
    EncryptionMetadata,
    MediaRefused,
    decrypt_media,
    encrypt_media,
)
from tests.support.flow_vectors import (
    JPEG_CDN_FILE_B64,
    JPEG_METADATA,
    JPEG_PLAINTEXT_BYTES,
    JPEG_PLAINTEXT_SHA256_HEX,
    PDF_CDN_FILE_B64,
    PDF_METADATA,
    PDF_PLAINTEXT,
)

PDF_BLOB = base64.b64decode(PDF_CDN_FILE_B64)


def _rehashed(blob: bytes, metadata: dict[str, str]) -> dict[str, str]:
    """Metadata whose encrypted_hash matches `blob`: a tampering that also fixed the hash."""
    return {**metadata, "encrypted_hash": base64.b64encode(hashlib.sha256(blob).digest()).decode()}


def _flip(blob: bytes, position: int) -> bytes:
    changed = bytearray(blob)
    changed[position] ^= 0x01
    return bytes(changed)


def test_the_published_jpeg_decrypts_to_the_published_file() -> None:
    plain = decrypt_media(
        base64.b64decode(JPEG_CDN_FILE_B64), EncryptionMetadata.parse(JPEG_METADATA)
    )
    assert len(plain) == JPEG_PLAINTEXT_BYTES
    assert hashlib.sha256(plain).hexdigest() == JPEG_PLAINTEXT_SHA256_HEX
    assert plain[:4] == b"\xff\xd8\xff\xe0" and plain[-2:] == b"\xff\xd9"


def test_the_reference_vector_decrypts_to_its_text() -> None:
    assert decrypt_media(PDF_BLOB, EncryptionMetadata.parse(PDF_METADATA)) == PDF_PLAINTEXT


@pytest.mark.parametrize("position", [0, 20, -11, -1])  # ciphertext, ciphertext, mac, mac
def test_a_flipped_byte_fails_the_file_hash(position: int) -> None:
    with pytest.raises(MediaRefused) as refused:
        decrypt_media(_flip(PDF_BLOB, position), EncryptionMetadata.parse(PDF_METADATA))
    assert refused.value.step == "encrypted_hash"


@pytest.mark.parametrize("position", [0, 31, -10, -1])
def test_a_flipped_byte_with_a_matching_file_hash_fails_the_mac(position: int) -> None:
    blob = _flip(PDF_BLOB, position)
    with pytest.raises(MediaRefused) as refused:
        decrypt_media(blob, EncryptionMetadata.parse(_rehashed(blob, PDF_METADATA)))
    assert refused.value.step == "hmac"


def test_another_hmac_key_fails_the_mac() -> None:
    metadata = {**PDF_METADATA, "hmac_key": base64.b64encode(bytes(32)).decode()}
    with pytest.raises(MediaRefused) as refused:
        decrypt_media(PDF_BLOB, EncryptionMetadata.parse(metadata))
    assert refused.value.step == "hmac"


def test_another_encryption_key_fails_before_a_byte_is_kept() -> None:
    metadata = {**PDF_METADATA, "encryption_key": base64.b64encode(bytes(32)).decode()}
    with pytest.raises(MediaRefused) as refused:
        decrypt_media(PDF_BLOB, EncryptionMetadata.parse(metadata))
    assert refused.value.step in {"padding", "plaintext_hash"}


def test_another_plaintext_hash_is_refused() -> None:
    metadata = {**PDF_METADATA, "plaintext_hash": JPEG_METADATA["plaintext_hash"]}
    with pytest.raises(MediaRefused) as refused:
        decrypt_media(PDF_BLOB, EncryptionMetadata.parse(metadata))
    assert refused.value.step == "plaintext_hash"


def test_a_cut_file_is_refused() -> None:
    blob = PDF_BLOB[:-1]
    with pytest.raises(MediaRefused) as refused:
        decrypt_media(blob, EncryptionMetadata.parse(_rehashed(blob, PDF_METADATA)))
    assert refused.value.step == "padding"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"iv": None}, "iv is missing"),
        ({"hmac_key": "%%%"}, "hmac_key is not base64"),
        ({"encryption_key": base64.b64encode(bytes(16)).decode()}, "has 16 bytes, not 32"),
    ],
)
def test_malformed_metadata_is_refused(change: dict[str, object], reason: str) -> None:
    with pytest.raises(MediaRefused, match=reason) as refused:
        EncryptionMetadata.parse({**PDF_METADATA, **change})
    assert refused.value.step == "metadata"


def test_what_encrypt_media_makes_decrypts_and_reads_as_whatsapp_sends_it() -> None:
    blob, metadata = encrypt_media(PDF_PLAINTEXT)
    assert len(blob) == 48 + 10
    again = EncryptionMetadata.parse(metadata.as_json())
    assert decrypt_media(blob, again) == PDF_PLAINTEXT
