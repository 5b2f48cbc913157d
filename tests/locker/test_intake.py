"""What ingest makes of each file: accepted and stored, refused and not kept, or unavailable."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker.backend import StoreBackend
from app.locker.policy import DocumentRequirement, LockerPolicy
from app.locker.store import BlobStore
from tests.support import files as samples
from tests.support.locker import KTP, NOW, MiB, blobs, ingest, make_resident
from tests.support.media import FakeMedia, FakeMediaSource, SleepRecorder, b64_sha256


async def test_sharp_photo_is_accepted_and_stored(
    db_session: AsyncSession, store: BlobStore, policy: LockerPolicy
) -> None:
    """Runs on `db_session`, whose commits expire objects: the result must still be readable."""
    session = db_session
    resident_id = await make_resident(session)
    photo = samples.sharp_jpeg()
    source = FakeMediaSource()
    source.add("m1", photo, sha256=b64_sha256(photo), file_size=len(photo))
    doc = await ingest(
        session, store, source, resident_id, policy=policy, media_kind="image",
        declared_mime="image/jpeg", request_ref="KTP-261122-0001",
    )  # fmt: skip
    assert (doc.status, doc.reason, doc.requirement, doc.kind) == (
        "accepted",
        None,
        "ktp_photo",
        "ktp",
    )
    assert doc.sha256 == hashlib.sha256(photo).hexdigest() and doc.size == len(photo)
    assert (doc.mime_type, doc.declared_mime, doc.pages) == ("image/jpeg", "image/jpeg", 1)
    assert doc.request_ref == "KTP-261122-0001" and doc.media_id == "m1"
    assert doc.checked_at == NOW and doc.expires_at == NOW + timedelta(days=365)
    assert doc.check_detail is not None and doc.check_detail["width"] == 640
    assert await store.read_bytes(doc.sha256) == photo
    assert doc.thumbnail_sha256 is not None
    with Image.open(io.BytesIO(await store.read_bytes(doc.thumbnail_sha256))) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 240)
    rows = {blob.sha256: blob for blob in await blobs(session)}
    assert set(rows) == {doc.sha256, doc.thumbnail_sha256}
    assert rows[doc.sha256].size == len(photo) and rows[doc.sha256].last_used_at == NOW
    assert rows[doc.sha256].key_id == ("new" if store.keys else None)
    assert policy.spool_dir is not None and list(policy.spool_dir.iterdir()) == []


async def test_same_file_twice_is_stored_once(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.sharp_jpeg())
    source.add("m2", samples.sharp_jpeg())
    one = await ingest(session, file_store, source, resident_id, "m1", policy=policy)
    two = await ingest(session, file_store, source, resident_id, "m2", policy=policy)
    assert one.id != two.id and one.sha256 == two.sha256
    assert len([entry async for entry in file_store.iter_blobs()]) == 2  # file + thumbnail
    assert len(await blobs(session)) == 2


@pytest.mark.parametrize(
    ("data", "declared", "requirement", "reason", "mime"),
    [
        (samples.blurred_jpeg(), "image/jpeg", KTP, "blurred", "image/jpeg"),
        (samples.dark_jpeg(), "image/jpeg", KTP, "too_dark", "image/jpeg"),
        (samples.sharp_png(), "application/pdf", DocumentRequirement("akta", kinds=("pdf",)),
         "wrong_type", "image/png"),
        (samples.pdf(user_password="x"), "application/pdf", KTP, "pdf_encrypted",
         "application/pdf"),
        (samples.pdf(open_action_js=True), "application/pdf", KTP, "pdf_javascript",
         "application/pdf"),
    ],
    ids=["blurred", "dark", "png-as-pdf", "encrypted", "javascript"],
)  # fmt: skip
async def test_refused_files_are_recorded_but_not_kept(
    session: AsyncSession,
    file_store: BlobStore,
    resident_id: int,
    policy: LockerPolicy,
    data: bytes,
    declared: str,
    requirement: DocumentRequirement,
    reason: str,
    mime: str,
) -> None:
    source = FakeMediaSource()
    source.add("m1", data, mime_type=declared)
    doc = await ingest(
        session, file_store, source, resident_id, policy=policy,
        requirement=requirement, declared_mime=declared,
    )  # fmt: skip
    assert (doc.status, doc.reason, doc.mime_type, doc.declared_mime) == (
        "rejected", reason, mime, declared,
    )  # fmt: skip
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and not doc.has_file
    assert [entry async for entry in file_store.iter_blobs()] == []
    assert await blobs(session) == []


async def test_sha_mismatch_never_stores_the_wrong_bytes(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.sharp_jpeg(), sha256=b64_sha256(b"what Meta promised"))
    doc = await ingest(session, file_store, source, resident_id, policy=policy)
    assert doc.status == "unavailable" and "DigestMismatch" in (doc.last_error or "")
    assert doc.sha256 is None and [entry async for entry in file_store.iter_blobs()] == []


async def test_too_large_for_meta_image_limit(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.sharp_jpeg(), file_size=6 * MiB)
    doc = await ingest(session, file_store, source, resident_id, policy=policy, media_kind="image")
    assert (doc.status, doc.reason) == ("rejected", "too_large")
    assert doc.check_detail == {"limit": 5 * MiB, "size": 6 * MiB} and source.downloads == 0


class BrokenBackend:
    """A store backend whose writes always fail (a full disk, an S3 outage)."""

    description = "broken"

    def __init__(self, inner: StoreBackend) -> None:
        self.inner = inner

    def stage(self, key_hint: str | None = None):
        raise OSError("No space left on device")

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


async def test_store_failure_is_unavailable_after_retries(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    broken = BlobStore(BrokenBackend(file_store.backend))
    source = FakeMediaSource()
    source.add("m1", samples.sharp_jpeg())
    sleep = SleepRecorder()
    doc = await ingest(session, broken, source, resident_id, policy=policy, sleep=sleep)
    assert (doc.status, doc.reason) == ("unavailable", "unavailable")
    assert doc.last_error == "store: OSError: No space left on device"
    assert sleep.delays == [1, 2, 4]


@pytest.mark.slow
async def test_large_pdf_flows_through_in_bounded_memory(
    session: AsyncSession, store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    content = 40 * MiB
    digest, total = await samples.big_pdf_digest(content)
    media = FakeMedia(
        stream=lambda: samples.big_pdf_stream(content),
        mime_type="application/pdf",
        sha256=digest,
        file_size=total,
    )
    source = FakeMediaSource(media={"m1": media})
    await store.exists(digest)  # connect first: the S3 client's models are not the file
    tracemalloc.start()
    try:
        doc = await ingest(
            session, store, source, resident_id, policy=policy, media_kind="document"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (doc.status, doc.size, doc.pages, doc.sha256) == ("accepted", total, 1, digest)
    assert peak < 20 * MiB, f"peak {peak / MiB:.1f} MiB for a {total / MiB:.0f} MiB file"
    hasher = hashlib.sha256()
    async for chunk in store.read(digest):
        hasher.update(chunk)
    assert hasher.hexdigest() == digest
