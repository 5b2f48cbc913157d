"""The sandbox media store: what the simulator uploads, kept on disk and served like Meta."""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import pytest

from app.bot.sandbox_media import KEEP_SECONDS, MediaRefused, SandboxMedia
from app.locker.fetch import MediaGone
from app.locker.policy import MiB
from tests.support.photos import photo_jpeg, photo_png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def _read(store: SandboxMedia, media_id: str) -> bytes:
    info = await store.get_media(media_id)
    async with store.stream_media(info.url) as chunks:
        return b"".join([chunk async for chunk in chunks])


async def test_a_photo_is_kept_with_its_sniffed_type_and_digest(tmp_path: Path) -> None:
    content = photo_jpeg()
    store = SandboxMedia(tmp_path, clock=Clock())
    stored = store.add(
        io.BytesIO(content),
        want="photo",
        declared_mime="application/octet-stream",
        filename="kk.jpg",
    )

    digest = hashlib.sha256(content).digest()
    assert (stored.message_type, stored.mime_type, stored.size, stored.filename) == (
        "image",
        "image/jpeg",
        len(content),
        "kk.jpg",
    )
    assert stored.sha256 == digest.hex()
    assert stored.sha256_base64 == base64.b64encode(digest).decode()
    assert stored.media_id.startswith("sandbox-")
    info = await store.get_media(stored.media_id)
    assert (info.mime_type, info.sha256, info.file_size) == (
        "image/jpeg",
        digest.hex(),
        len(content),
    )
    assert await _read(store, stored.media_id) == content


async def test_uploads_outlive_the_process_that_took_them(tmp_path: Path) -> None:
    """A restart (or a `loket worker` beside `serve`) opens the same folder and finds the file."""
    stored = SandboxMedia(tmp_path).add(io.BytesIO(photo_png()), want="photo")
    again = SandboxMedia(tmp_path)
    assert await _read(again, stored.media_id) == photo_png()
    assert (await again.get_media(stored.media_id)).mime_type == "image/png"


@pytest.mark.parametrize(
    ("want", "content", "declared", "expected"),
    [
        ("photo", PDF, "image/jpeg", ("document", "application/pdf")),  # not a photo: a document
        ("document", photo_jpeg(), "image/jpeg", ("document", "image/jpeg")),  # sent as a file
        ("document", b"halo, ini catatan", "text/plain", ("document", "text/plain")),
        ("document", b"halo", "not a type", ("document", "application/octet-stream")),
        (
            "voice",
            b"\x1aE\xdf\xa3" + b"\x00" * 64,
            "audio/webm;codecs=opus",
            ("audio", "audio/webm;codecs=opus"),
        ),
        ("voice", b"OggS\x00\x02" + b"\x00" * 64, "", ("audio", "audio/ogg")),
    ],
)
def test_the_message_type_follows_what_the_phone_would_send(
    tmp_path: Path, want: str, content: bytes, declared: str, expected: tuple[str, str]
) -> None:
    stored = SandboxMedia(tmp_path).add(io.BytesIO(content), want=want, declared_mime=declared)
    assert (stored.message_type, stored.mime_type) == expected


def test_a_photo_over_metas_limit_is_refused_and_nothing_is_kept(tmp_path: Path) -> None:
    too_big = b"\xff\xd8\xff\xe0" + b"\x00" * (5 * MiB)
    with pytest.raises(MediaRefused) as refused:
        SandboxMedia(tmp_path).add(io.BytesIO(too_big), want="photo")
    assert (refused.value.reason, refused.value.limit) == ("too_large", 5 * MiB)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("want", "content", "reason"),
    [("photo", b"", "empty"), ("voice", photo_jpeg(), "not_audio")],
)
def test_empty_files_and_voice_notes_that_are_not_audio_are_refused(
    tmp_path: Path, want: str, content: bytes, reason: str
) -> None:
    with pytest.raises(MediaRefused) as refused:
        SandboxMedia(tmp_path).add(io.BytesIO(content), want=want, declared_mime="image/jpeg")
    assert refused.value.reason == reason


async def test_expired_unknown_and_malformed_ids_are_gone(tmp_path: Path) -> None:
    clock = Clock()
    store = SandboxMedia(tmp_path, clock=clock)
    stored = store.add(io.BytesIO(photo_jpeg()), want="photo")
    (tmp_path / "secret.txt").write_text("not media")
    for media_id in ("sandbox-" + "0" * 32, "../secret.txt", "secret.txt"):
        with pytest.raises(MediaGone):
            await store.get_media(media_id)
    clock.now += KEEP_SECONDS + 1
    with pytest.raises(MediaGone):
        await store.get_media(stored.media_id)
    assert store.find(stored.media_id) is None


def test_old_files_are_pruned_when_a_new_one_arrives(tmp_path: Path) -> None:
    import os

    clock = Clock()
    store = SandboxMedia(tmp_path, clock=clock)
    old = store.add(io.BytesIO(photo_jpeg()), want="photo")
    for path in tmp_path.iterdir():
        os.utime(path, (clock.now, clock.now))
    clock.now += KEEP_SECONDS + 1
    new = store.add(io.BytesIO(photo_png()), want="photo")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"{new.media_id}.bin",
        f"{new.media_id}.json",
    ]
    assert old.media_id != new.media_id
