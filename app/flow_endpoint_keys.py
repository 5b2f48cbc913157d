"""The RSA key pair of the WhatsApp Flows data endpoint (reference whatsapp-flows.md §5.1).

WhatsApp encrypts each request's AES key with the business's public key (uploaded per phone
number); only the private key configured here can read it. `WHATSAPP_FLOWS_PRIVATE_KEY` holds
the PEM text itself or the path of a PEM file, `WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE` its
passphrase when the PEM is encrypted. Settings load the key once at start-up, so a malformed
key, a wrong passphrase or a key too short to trust stops Loket before it serves a request
(`FlowKeyError` says which). `generate_key_pair` backs `loket flows keygen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

# Meta's guide generates 2048-bit keys; anything shorter is factorable by a determined party.
MIN_RSA_BITS = 2048
KEYGEN_BITS = 2048
_PEM_START = "-----BEGIN"
_NAME = "WHATSAPP_FLOWS_PRIVATE_KEY"


class FlowKeyError(ValueError):
    """The Flows private key cannot be used; the message says what to fix."""


def read_pem(value: str) -> bytes:
    """The PEM bytes of `value`: the PEM text itself, or the path of a file holding it."""
    text = value.strip()
    if text.startswith(_PEM_START):
        return text.encode("ascii", errors="replace") + b"\n"
    path = Path(text).expanduser()
    if not text or not path.is_file():
        raise FlowKeyError(
            f"{_NAME}: neither PEM text (-----BEGIN …) nor the path of a readable file "
            f"({text[:60]!r}); run `loket flows keygen` to make a key pair"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FlowKeyError(f"{_NAME}: cannot read {path}: {exc.strerror}") from None


def load_private_key(pem: bytes, passphrase: str | None) -> rsa.RSAPrivateKey:
    """The RSA private key in `pem`, decrypted with `passphrase`; raises `FlowKeyError`."""
    password = passphrase.encode("utf-8") if passphrase else None
    try:
        key = serialization.load_pem_private_key(pem, password=password)
    except TypeError as exc:
        # cryptography says "Password was not given but private key is encrypted" or the opposite
        if password is None:
            raise FlowKeyError(
                f"{_NAME} is encrypted: set WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE"
            ) from None
        raise FlowKeyError(
            f"{_NAME} is not encrypted but WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE is set: "
            "unset the passphrase"
        ) from exc
    except ValueError:
        if password is not None:
            raise FlowKeyError(
                f"{_NAME} cannot be read: wrong WHATSAPP_FLOWS_PRIVATE_KEY_PASSPHRASE, "
                "or not a PEM private key"
            ) from None
        raise FlowKeyError(f"{_NAME} is not a PEM private key") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise FlowKeyError(f"{_NAME} must be an RSA key (WhatsApp encrypts with RSA-OAEP)")
    if key.key_size < MIN_RSA_BITS:
        raise FlowKeyError(
            f"{_NAME} is a {key.key_size}-bit RSA key: use at least {MIN_RSA_BITS} bits "
            "(`loket flows keygen` makes one)"
        )
    return key


@lru_cache(maxsize=8)
def load_configured_key(value: str, passphrase: str | None) -> rsa.RSAPrivateKey:
    """The key as configured: PEM text or path in `value`; raises `FlowKeyError`.

    Cached per (value, passphrase): parsing an encrypted PEM costs tens of milliseconds, which
    every request would otherwise pay (a changed file needs a restart, like any setting).
    """
    return load_private_key(read_pem(value), passphrase)


def public_key_pem(key: rsa.RSAPrivateKey) -> str:
    """The public half as a SubjectPublicKeyInfo PEM: what WhatsApp's encryption API takes."""
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@dataclass(frozen=True)
class KeyPair:
    """A new key pair as PEM texts: the private one (encrypted when a passphrase was given)."""

    private_pem: str
    public_pem: str


def generate_key_pair(passphrase: str | None = None, *, bits: int = KEYGEN_BITS) -> KeyPair:
    """A fresh RSA key pair; the private key as PKCS#8, encrypted with `passphrase` if given."""
    if bits < MIN_RSA_BITS:
        raise FlowKeyError(f"an RSA key needs at least {MIN_RSA_BITS} bits")
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode("utf-8"))
        if passphrase
        else serialization.NoEncryption()
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return KeyPair(private.decode("ascii"), public_key_pem(key))
