"""Encryption at rest: chunked AES-256-GCM with a small header, and the key ring that feeds it.

Blob format (version 1)::

    "LKTENC" | version (1 byte) | key-id length (1 byte) | key id (ASCII) | chunk size (4 bytes, BE)
    | salt (16 bytes) | frame 0 | frame 1 | ... | final frame

Each frame is one chunk of plaintext sealed with AES-GCM (ciphertext + 16-byte tag). The file key
is derived per blob with HKDF-SHA256 from the master key and the random salt, so nonces never
repeat across blobs; within a blob the nonce is the chunk index plus a "final chunk" flag. The whole
header is the associated data of every frame. Together that makes every way of tampering fail
authentication: changing a byte, reordering or dropping frames (index), cutting the blob short at a
frame boundary or appending frames (final flag), swapping the key id or chunk size (header).
The plaintext is empty only as a single, final, empty frame, so a blob is never just a header.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.encryption_keys import parse_encryption_keys
from app.locker.errors import BlobIntegrityError, KeyConfigError, MissingKeyError

MAGIC = b"LKTENC"
VERSION = 1
CHUNK_SIZE = 64 * 1024
MAX_CHUNK_SIZE = 16 * 1024 * 1024
TAG_SIZE = 16
SALT_SIZE = 16
_FIXED = len(MAGIC) + 2  # magic, version, key-id length


def _nonce(index: int, final: bool) -> bytes:
    return struct.pack(">QB3x", index, 1 if final else 0)


def _file_key(master: bytes, salt: bytes, key_id: str) -> AESGCM:
    hkdf = HKDF(hashes.SHA256(), 32, salt, b"loket/locker/v1/" + key_id.encode("ascii"))
    return AESGCM(hkdf.derive(master))


@dataclass(frozen=True)
class KeyRing:
    """Master keys by id; the first one is current (used for new blobs), all of them decrypt."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, spec: str) -> KeyRing:
        """Parse `LOKET_ENCRYPTION_KEY` (see `app.encryption_keys`); KeyConfigError says why not."""
        try:
            return cls(parse_encryption_keys(spec))
        except ValueError as exc:
            raise KeyConfigError(str(exc)) from None

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def get(self, key_id: str) -> bytes:
        for known, key in self.keys:
            if known == key_id:
                return key
        raise MissingKeyError(f"blob is encrypted with key {key_id!r}, which is not configured")


class Sealer:
    """Encrypts a plaintext stream fed in pieces of any size into the blob format."""

    def __init__(self, key_id: str, master: bytes, chunk_size: int = CHUNK_SIZE) -> None:
        salt = os.urandom(SALT_SIZE)
        raw_id = key_id.encode("ascii")
        self.header = (
            MAGIC + bytes([VERSION, len(raw_id)]) + raw_id + struct.pack(">I", chunk_size) + salt
        )
        self._aead = _file_key(master, salt, key_id)
        self._chunk = chunk_size
        self._index = 0
        self._pending = bytearray()

    def _seal(self, data: bytes | memoryview, final: bool) -> bytes:
        frame = self._aead.encrypt(_nonce(self._index, final), data, self.header)
        self._index += 1
        return frame

    def feed(self, data: bytes) -> bytes:
        """Sealed frames for every full chunk now known not to be the last one."""
        self._pending += data
        frames: list[bytes] = []
        pos, size = 0, self._chunk
        with memoryview(self._pending) as view:
            # Strictly more than a chunk: the chunk at the end may yet turn out to be the last.
            while len(view) - pos > size:
                frames.append(self._seal(view[pos : pos + size], final=False))
                pos += size
        del self._pending[:pos]
        return b"".join(frames)

    def finish(self) -> bytes:
        """The final frame (possibly of an empty chunk)."""
        frame = self._seal(bytes(self._pending), final=True)
        self._pending = bytearray()
        return frame


@dataclass(frozen=True)
class Header:
    key_id: str
    chunk_size: int
    raw: bytes
    salt: bytes


def parse_header(data: bytes) -> Header | None:
    """The header at the start of `data`, or None while `data` is too short to hold it all."""
    if len(data) < _FIXED:
        return None
    if data[: len(MAGIC)] != MAGIC:
        raise BlobIntegrityError("not an encrypted blob")
    if data[len(MAGIC)] != VERSION:
        raise BlobIntegrityError(f"unknown encryption format version {data[len(MAGIC)]}")
    id_len = data[len(MAGIC) + 1]
    end = _FIXED + id_len + 4 + SALT_SIZE
    if len(data) < end:
        return None
    try:
        key_id = data[_FIXED : _FIXED + id_len].decode("ascii")
    except UnicodeDecodeError:
        raise BlobIntegrityError("corrupt key id in blob header") from None
    (chunk_size,) = struct.unpack(">I", data[_FIXED + id_len : _FIXED + id_len + 4])
    if not 0 < chunk_size <= MAX_CHUNK_SIZE:
        raise BlobIntegrityError(f"implausible chunk size {chunk_size} in blob header")
    return Header(key_id, chunk_size, bytes(data[:end]), bytes(data[end - SALT_SIZE : end]))


class Opener:
    """Decrypts a blob fed in pieces of any size; raises `BlobIntegrityError` on any tampering."""

    def __init__(self, keys: KeyRing | None) -> None:
        self._keys = keys
        self._buffer = bytearray()
        self._header: Header | None = None
        self._aead: AESGCM | None = None
        self._index = 0

    @property
    def key_id(self) -> str | None:
        return self._header.key_id if self._header else None

    def _open(self, frame: bytes | memoryview, final: bool) -> bytes:
        assert self._aead is not None and self._header is not None
        try:
            plain = self._aead.decrypt(_nonce(self._index, final), frame, self._header.raw)
        except InvalidTag:
            raise BlobIntegrityError(f"authentication failed at chunk {self._index}") from None
        self._index += 1
        return plain

    def feed(self, data: bytes) -> bytes:
        self._buffer += data
        if self._header is None:
            header = parse_header(bytes(self._buffer))
            if header is None:
                return b""
            if self._keys is None:
                raise MissingKeyError(f"blob is encrypted (key {header.key_id!r}); no key is set")
            self._aead = _file_key(self._keys.get(header.key_id), header.salt, header.key_id)
            self._header = header
            del self._buffer[: len(header.raw)]
        size = self._header.chunk_size + TAG_SIZE
        plain: list[bytes] = []
        pos = 0
        with memoryview(self._buffer) as view:
            while len(view) - pos > size:  # a full frame with more after it: not the last one
                plain.append(self._open(view[pos : pos + size], final=False))
                pos += size
        del self._buffer[:pos]
        return b"".join(plain)

    def finish(self) -> bytes:
        if self._header is None:
            raise BlobIntegrityError("encrypted blob cut short inside its header")
        if len(self._buffer) < TAG_SIZE:
            raise BlobIntegrityError("encrypted blob cut short: final chunk missing")
        plain = self._open(bytes(self._buffer), final=True)
        self._buffer = bytearray()
        return plain


def is_encrypted(prefix: bytes) -> bool:
    """True when a blob starting with `prefix` (at least 6 bytes, or all of it) is encrypted."""
    return prefix.startswith(MAGIC)
