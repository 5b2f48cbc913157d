from __future__ import annotations

import hashlib

import pytest

from app.locker.crypto import (
    MAGIC,
    TAG_SIZE,
    KeyRing,
    Opener,
    Sealer,
    is_encrypted,
    parse_header,
)
from app.locker.errors import BlobIntegrityError, KeyConfigError, MissingKeyError
from tests.support.media import sample_key

CHUNK = 1024


def seal(data: bytes, ring: KeyRing, pieces: int = 7) -> bytes:
    sealer = Sealer(ring.current_id, ring.get(ring.current_id), CHUNK)
    out = [sealer.header]
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        out.append(sealer.feed(data[start : start + step]))
    out.append(sealer.finish())
    return b"".join(out)


def open_all(blob: bytes, ring: KeyRing | None, piece: int = 333) -> bytes:
    opener = Opener(ring)
    out = [opener.feed(blob[start : start + piece]) for start in range(0, len(blob), piece)]
    out.append(opener.finish())
    return b"".join(out)


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.parse(f"k2:{sample_key(2)},k1:{sample_key(1)}")


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 10 * CHUNK + 17])
def test_round_trip_any_size(ring: KeyRing, size: int) -> None:
    data = hashlib.sha512(str(size).encode()).digest() * (size // 64 + 1)
    data = data[:size]
    blob = seal(data, ring)
    assert is_encrypted(blob)
    if size >= 16:  # shorter plaintexts could turn up in random ciphertext by chance
        assert data[:16] not in blob
    frames = -(-size // CHUNK) if size else 1
    header = parse_header(blob)
    assert header is not None and header.key_id == "k2" and header.chunk_size == CHUNK
    assert len(blob) == len(header.raw) + size + frames * TAG_SIZE
    assert open_all(blob, ring) == data


def test_each_blob_gets_its_own_salt(ring: KeyRing) -> None:
    assert seal(b"same", ring) != seal(b"same", ring)


@pytest.fixture
def sealed(ring: KeyRing) -> bytes:
    return seal(bytes(range(256)) * 20, ring)  # 5 frames of 1024


def test_flipped_byte_fails(ring: KeyRing, sealed: bytes) -> None:
    tampered = bytearray(sealed)
    tampered[len(sealed) // 2] ^= 1
    with pytest.raises(BlobIntegrityError, match="authentication failed"):
        open_all(bytes(tampered), ring)


def test_truncation_at_a_frame_boundary_fails(ring: KeyRing, sealed: bytes) -> None:
    header = parse_header(sealed)
    assert header is not None
    cut = len(header.raw) + 3 * (CHUNK + TAG_SIZE)  # three whole frames, final one gone
    with pytest.raises(BlobIntegrityError):
        open_all(sealed[:cut], ring)


def test_dropped_or_reordered_frames_fail(ring: KeyRing, sealed: bytes) -> None:
    header = parse_header(sealed)
    assert header is not None
    size = CHUNK + TAG_SIZE
    body = sealed[len(header.raw) :]
    frames = [body[i : i + size] for i in range(0, len(body), size)]
    with pytest.raises(BlobIntegrityError):
        open_all(header.raw + b"".join([frames[1], frames[0], *frames[2:]]), ring)
    with pytest.raises(BlobIntegrityError):
        open_all(header.raw + b"".join([frames[0], *frames[2:]]), ring)


def test_appended_frame_fails(ring: KeyRing, sealed: bytes) -> None:
    header = parse_header(sealed)
    assert header is not None
    first_frame = sealed[len(header.raw) : len(header.raw) + CHUNK + TAG_SIZE]
    with pytest.raises(BlobIntegrityError):
        open_all(sealed + first_frame, ring)


def test_header_cannot_be_swapped_to_another_key(sealed: bytes) -> None:
    same_key_other_name = KeyRing.parse(f"k9:{sample_key(2)}")
    forged = sealed.replace(b"\x02k2", b"\x02k9", 1)
    with pytest.raises(BlobIntegrityError):
        open_all(forged, same_key_other_name)


def test_cut_inside_header_or_before_final_frame(ring: KeyRing, sealed: bytes) -> None:
    with pytest.raises(BlobIntegrityError, match="header"):
        open_all(sealed[:10], ring)
    header = parse_header(sealed)
    assert header is not None
    with pytest.raises(BlobIntegrityError, match="final chunk missing"):
        open_all(header.raw + b"x" * 5, ring)


def test_old_keys_still_decrypt_and_unknown_keys_say_so(ring: KeyRing) -> None:
    old_only = KeyRing.parse(f"k1:{sample_key(1)}")
    blob = seal(b"akta kelahiran", old_only)
    assert open_all(blob, ring) == b"akta kelahiran"
    with pytest.raises(MissingKeyError, match="k2"):
        open_all(seal(b"x", ring), old_only)
    with pytest.raises(MissingKeyError, match="no key is set"):
        open_all(blob, None)


def test_implausible_header_values_are_refused(sealed: bytes) -> None:
    assert sealed.startswith(MAGIC)
    bad_version = sealed[:6] + b"\x09" + sealed[7:]
    with pytest.raises(BlobIntegrityError, match="version"):
        parse_header(bad_version)
    header = parse_header(sealed)
    assert header is not None
    at = 8 + len(header.key_id)
    huge_chunk = sealed[:at] + b"\xff\xff\xff\xff" + sealed[at + 4 :]
    with pytest.raises(BlobIntegrityError, match="chunk size"):
        parse_header(huge_chunk)


def test_key_ring_parsing() -> None:
    single = KeyRing.parse(sample_key(3))
    assert single.current_id.startswith("k") and len(single.keys) == 1
    assert KeyRing.parse(sample_key(3)).current_id == single.current_id  # stable id
    ring = KeyRing.parse(f" a:{sample_key(1)} , b:{sample_key(2)} ,")
    assert [key_id for key_id, _ in ring.keys] == ["a", "b"] and ring.current_id == "a"
    urlsafe = KeyRing.parse("c:" + sample_key(4).replace("+", "-").replace("/", "_").rstrip("="))
    assert urlsafe.get("c") == bytes([4]) * 32


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        ("a:bm90IGEga2V5", "32 bytes"),
        ("a:***", "base64"),
        (f"a:{sample_key(1)},a:{sample_key(2)}", "twice"),
        (f"bad id:{sample_key(1)}", "key id"),
    ],
)
def test_key_ring_refuses_bad_configuration(spec: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message):
        KeyRing.parse(spec)
