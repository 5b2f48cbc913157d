"""Retention: which documents are purged, what happens to their files, and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import repository
from app.locker.errors import DocumentNotAvailable
from app.locker.models import Blob, Document
from app.locker.purge import purge
from app.locker.service import read_document
from app.locker.store import BlobStore
from tests.support.media import one_chunk

START = datetime.now(UTC).replace(microsecond=0)
LATER = START + timedelta(days=40)  # purge runs 40 days after the documents came in
RETENTION = 30


async def stored(
    session: AsyncSession,
    store: BlobStore,
    resident: int,
    content: bytes,
    **values: object,
) -> Document:
    """An accepted document whose file is in the store, as ingest leaves it."""
    put = await store.put_bytes(content)
    await repository.touch_blobs(session, [put.sha256], START)
    await repository.record_blob(session, put.sha256, put.size, put.key_id, put.created)
    fields: dict[str, object] = {
        "requirement": "kk", "kind": "kk", "status": "accepted", "sha256": put.sha256,
        "size": put.size, "created_at": START, "checked_at": START,
    }  # fmt: skip
    return await repository.add_document(session, resident_id=resident, **(fields | values))


async def blob_rows(session: AsyncSession) -> set[str]:
    return set((await session.execute(select(Blob.sha256))).scalars())


async def test_retention_rules(session: AsyncSession, store: BlobStore, resident_id: int) -> None:
    ended = START + timedelta(days=2)
    recent = START + timedelta(days=30)
    cases: dict[str, dict[str, object]] = {
        "released-long-ago": dict(request_ref="KK-1", released_at=ended),
        "released-recently": dict(request_ref="KK-2", released_at=recent),
        "kept-for-reuse": dict(request_ref="KK-3", released_at=ended, keep_for_reuse=True),
        "kept-but-expired": dict(
            request_ref="KK-4", released_at=ended, keep_for_reuse=True,
            expires_at=START + timedelta(days=35),
        ),
        "open-request-expired": dict(request_ref="KK-5", expires_at=START + timedelta(days=1)),
        "old-draft": dict(),
        "new-draft": dict(created_at=START + timedelta(days=20)),
        "pending": dict(status="pending", sha256=None),
        "rejected-old": dict(status="rejected", reason="blurred", released_at=ended),
    }  # fmt: skip
    docs = {
        name: await stored(session, store, resident_id, name.encode() * 100, **values)
        for name, values in cases.items()
    }
    await session.commit()

    report = await purge(session, store, LATER, RETENTION)

    purged = {name for name, doc in docs.items() if doc.purged_at is not None}
    assert purged == {"released-long-ago", "kept-but-expired", "old-draft", "rejected-old"}
    assert (report.documents_purged, report.released, report.expired, report.drafts) == (4, 2, 1, 1)
    gone = {docs[name].sha256 for name in purged} | {docs["pending"].sha256}
    kept = {doc.sha256 for name, doc in docs.items() if name not in purged | {"pending"}}
    assert await blob_rows(session) == kept
    for digest in gone - {None}:
        assert not await store.exists(digest)  # type: ignore[arg-type]
    for digest in kept:
        assert await store.exists(digest)  # type: ignore[arg-type]
    # The pending document's blob (as a crash between storing and recording leaves it) has no
    # document pointing at it: an orphan, deleted with the four purged documents' blobs.
    assert (report.blobs_deleted, report.stray_files_deleted, report.failures) == (5, 0, 0)
    assert report.bytes_freed == sum(len(name.encode() * 100) for name in purged | {"pending"})

    audit = await repository.accesses(session, docs["old-draft"].id)
    assert [(a.actor, a.action, a.reason, a.at) for a in audit] == [
        ("system", "delete", "retention: draft", LATER)
    ]
    with pytest.raises(DocumentNotAvailable):
        await read_document(session, store, docs["old-draft"].id, actor="operator:1", reason=None)

    again = await purge(session, store, LATER, RETENTION)
    assert (again.documents_purged, again.blobs_deleted, again.stray_files_deleted) == (0, 0, 0)


async def test_shared_file_survives_until_its_last_document_goes(
    session: AsyncSession, store: BlobStore, resident_id: int
) -> None:
    old = await stored(session, store, resident_id, b"same KK scan", released_at=START)
    live = await stored(session, store, resident_id, b"same KK scan", request_ref="KK-9")
    await session.commit()
    first = await purge(session, store, LATER, RETENTION)
    assert (first.documents_purged, first.blobs_deleted) == (1, 0)
    assert old.purged_at == LATER and live.purged_at is None
    assert live.sha256 is not None and await store.exists(live.sha256)

    live.released_at = LATER
    await session.commit()
    second = await purge(session, store, LATER + timedelta(days=RETENTION + 1), RETENTION)
    assert (second.documents_purged, second.blobs_deleted) == (1, 1)
    assert not await store.exists(live.sha256)


async def test_recently_touched_orphans_are_left_alone(
    session: AsyncSession, store: BlobStore
) -> None:
    """A blob row touched by an ingest still in progress has no document yet: keep it."""
    put = await store.put_bytes(b"being ingested right now")
    await repository.touch_blobs(session, [put.sha256], LATER - timedelta(hours=2))
    await session.commit()
    report = await purge(session, store, LATER, RETENTION)
    assert report.blobs_deleted == 0 and await store.exists(put.sha256)
    assert await blob_rows(session) == {put.sha256}
    report = await purge(session, store, LATER + timedelta(days=1), RETENTION)
    assert report.blobs_deleted == 1 and not await store.exists(put.sha256)


async def test_stray_files_without_a_row_are_swept_after_the_grace(
    session: AsyncSession, store: BlobStore
) -> None:
    stray = await store.put(one_chunk(b"left behind by a crash"))
    soon = await purge(session, store, datetime.now(UTC), RETENTION)
    assert soon.stray_files_deleted == 0 and await store.exists(stray.sha256)
    later = await purge(session, store, datetime.now(UTC) + timedelta(days=2), RETENTION)
    assert later.stray_files_deleted == 1 and not await store.exists(stray.sha256)
    assert later.bytes_freed > 0


async def test_thumbnails_keep_their_blob_alive(
    session: AsyncSession, store: BlobStore, resident_id: int
) -> None:
    thumb = await store.put_bytes(b"\xff\xd8 thumbnail")
    await repository.touch_blobs(session, [thumb.sha256], START)
    doc = await stored(
        session, store, resident_id, b"photo", request_ref="KTP-1", thumbnail_sha256=thumb.sha256
    )
    await session.commit()
    report = await purge(session, store, LATER, RETENTION)
    assert report.blobs_deleted == 0 and await store.exists(thumb.sha256)
    doc.released_at = START
    await session.commit()
    report = await purge(session, store, LATER, RETENTION)
    assert report.blobs_deleted == 2 and not await store.exists(thumb.sha256)
