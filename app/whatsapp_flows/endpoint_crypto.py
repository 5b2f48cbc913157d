"""The encryption of the Flows data endpoint (reference whatsapp-flows.md §5.2–§5.5, §5.9).

A request is `{"encrypted_aes_key", "encrypted_flow_data", "initial_vector"}`, all base64:
RSA-OAEP (SHA-256, MGF1-SHA-256, no label) wraps a 128-bit AES key; AES-128-GCM with the
16-byte IV as nonce, no associated data, encrypts the JSON body with its 16-byte tag appended.
The answer is encrypted with the same key and the IV with every bit flipped, and sent as
base64 text. GCM authenticates: a flipped byte anywhere in the ciphertext or tag, or a key
that is not the one WhatsApp used, fails to decrypt; the caller then answers 421 and WhatsApp
fetches the public key again.

`encrypt_request` is what the WhatsApp client does: the simulator and the tests use it.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AES_KEY_BYTES = 16
IV_BYTES = 16
ENVELOPE_KEYS = ("encrypted_aes_key", "encrypted_flow_data", "initial_vector")


class DecryptionFailed(ValueError):
    """The request cannot be decrypted with our key (answer 421); the message says where."""


def _oaep() -> padding.OAEP:
    return padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None)


@dataclass(frozen=True)
class DecryptedRequest:
    """A decrypted request and what encrypting its answer needs (the key and the IV)."""

    payload: dict[str, Any]
    aes_key: bytes
    iv: bytes

    def encrypt_answer(self, answer: dict[str, Any]) -> str:
        """`answer` as the base64 body WhatsApp expects (same key, flipped IV)."""
        return encrypt_response(answer, self.aes_key, self.iv)


def flip_iv(iv: bytes) -> bytes:
    """The answer's IV: every bit of the request's inverted."""
    return bytes(byte ^ 0xFF for byte in iv)


def _b64(envelope: dict[str, Any], name: str) -> bytes:
    value = envelope.get(name)
    if not isinstance(value, str) or not value:
        raise DecryptionFailed(f"{name} is missing")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionFailed(f"{name} is not base64") from None


def decrypt_request(private_key: rsa.RSAPrivateKey, envelope: dict[str, Any]) -> DecryptedRequest:
    """Unwrap the AES key and decrypt the body; raises `DecryptionFailed`."""
    wrapped, data, iv = (_b64(envelope, name) for name in ENVELOPE_KEYS)
    if len(iv) != IV_BYTES:
        raise DecryptionFailed(f"initial_vector has {len(iv)} bytes, not {IV_BYTES}")
    try:
        aes_key = private_key.decrypt(wrapped, _oaep())
    except ValueError:
        raise DecryptionFailed("the AES key was not encrypted for this private key") from None
    if len(aes_key) != AES_KEY_BYTES:
        raise DecryptionFailed(f"the AES key has {len(aes_key)} bytes, not {AES_KEY_BYTES}")
    try:
        plain = AESGCM(aes_key).decrypt(iv, data, None)
    except (InvalidTag, ValueError):
        raise DecryptionFailed("the body fails its authentication tag") from None
    try:
        payload = json.loads(plain)
    except (ValueError, RecursionError):
        raise DecryptionFailed("the decrypted body is not JSON") from None
    if not isinstance(payload, dict):
        raise DecryptionFailed("the decrypted body is not a JSON object")
    return DecryptedRequest(payload, aes_key, iv)


def encrypt_response(answer: dict[str, Any] | bytes, aes_key: bytes, iv: bytes) -> str:
    """Encrypt an answer (a dict, serialised as JSON, or bytes as they are) for the client."""
    plain = answer if isinstance(answer, bytes) else json.dumps(answer).encode("utf-8")
    sealed = AESGCM(aes_key).encrypt(flip_iv(iv), plain, None)
    return base64.b64encode(sealed).decode("ascii")


# --- the client's side: what WhatsApp does (simulator, tests) ----------------------------------


@dataclass(frozen=True)
class ClientRequest:
    """An encrypted request as WhatsApp sends it, with the key and IV to read the answer."""

    envelope: dict[str, str]
    aes_key: bytes
    iv: bytes

    def body(self) -> bytes:
        """The JSON body to POST."""
        return json.dumps(self.envelope).encode("utf-8")

    def decrypt_answer(self, text: str) -> dict[str, Any]:
        """Read the endpoint's base64 answer (raises `DecryptionFailed` when it is not ours)."""
        try:
            sealed = base64.b64decode(text, validate=True)
            plain = AESGCM(self.aes_key).decrypt(flip_iv(self.iv), sealed, None)
        except (binascii.Error, ValueError, InvalidTag):
            raise DecryptionFailed("the answer does not decrypt with the request's key") from None
        answer: dict[str, Any] = json.loads(plain)
        return answer


def encrypt_request(
    public_key: rsa.RSAPublicKey,
    payload: dict[str, Any],
    *,
    aes_key: bytes | None = None,
    iv: bytes | None = None,
) -> ClientRequest:
    """Encrypt `payload` as a WhatsApp client does, with a fresh key and IV unless given."""
    aes_key = aes_key or os.urandom(AES_KEY_BYTES)
    iv = iv or os.urandom(IV_BYTES)
    sealed = AESGCM(aes_key).encrypt(iv, json.dumps(payload).encode("utf-8"), None)
    envelope = {
        "encrypted_aes_key": base64.b64encode(public_key.encrypt(aes_key, _oaep())).decode(),
        "encrypted_flow_data": base64.b64encode(sealed).decode(),
        "initial_vector": base64.b64encode(iv).decode(),
    }
    return ClientRequest(envelope, aes_key, iv)
