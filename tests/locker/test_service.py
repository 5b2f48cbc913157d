"""ingest_media's bookkeeping, read_document and the resident's locker, on the real database."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.locker import repository
from app.locker.errors import DocumentNotAvailable, DocumentNotFound
from app.locker.models import AccessAction, Document, DocumentAccess
from app.locker.policy import LockerPolicy
from app.locker.service import (
    attach_documents,
    read_document,
    read_thumbnail,
    release_request,
    resident_locker,
    set_keep_for_reuse,
)
from app.locker.store import BlobStore
from tests.support import files as samples
from tests.support.locker import KTP, NOW, clock, ingest, make_resident
from tests.support.media import FakeMedia, FakeMediaSource, SleepRecorder


async def test_replay_returns_the_recorded_document(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.sharp_jpeg())
    first = await ingest(session, file_store, source, resident_id, policy=policy)
    again = await ingest(session, file_store, source, resident_id, policy=policy)
    assert again.id == first.id and source.downloads == 1


async def test_failed_download_is_unavailable_then_retried(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource(script=["error"] * 4)
    source.add("m1", samples.sharp_jpeg())
    sleep = SleepRecorder()
    doc = await ingest(session, file_store, source, resident_id, policy=policy, sleep=sleep)
    assert (doc.status, doc.reason, doc.attempts) == ("unavailable", "unavailable", 4)
    assert doc.last_error == "FlakyNetwork: connection reset" and sleep.delays == [1, 2, 4]
    again = await ingest(session, file_store, source, resident_id, policy=policy)
    assert again.id == doc.id and (again.status, again.reason, again.attempts) == (
        "accepted", None, 5,
    )  # fmt: skip
    assert again.last_error is None


async def test_expired_url_then_success(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource(script=["expired"])
    photo = samples.sharp_jpeg()
    source.add("m1", photo, sha256=hashlib.sha256(photo).hexdigest())
    doc = await ingest(session, file_store, source, resident_id, policy=policy)
    assert doc.status == "accepted" and source.lookups == 2


async def no_transaction_during_download(
    session: AsyncSession, store: BlobStore, policy: LockerPolicy
) -> None:
    resident_id = await make_resident(session)
    seen: list[bool] = []
    photo = samples.sharp_jpeg()

    async def watched() -> AsyncIterator[bytes]:
        seen.append(session.in_transaction())
        yield photo

    source = FakeMediaSource(media={"m1": FakeMedia(stream=watched)})
    doc = await ingest(session, store, source, resident_id, policy=policy)
    assert doc.status == "accepted" and seen == [False]
    assert not session.in_transaction()  # nothing was reloaded after the last commit either


async def test_no_transaction_is_open_during_the_download(
    session: AsyncSession, file_store: BlobStore, policy: LockerPolicy
) -> None:
    await no_transaction_during_download(session, file_store, policy)


async def test_no_reload_either_with_a_session_that_expires_on_commit(
    db_session: AsyncSession, file_store: BlobStore, policy: LockerPolicy
) -> None:
    await no_transaction_during_download(db_session, file_store, policy)


async def test_concurrent_ingest_of_the_same_media_returns_the_winner(
    session: AsyncSession,
    file_store: BlobStore,
    resident_id: int,
    policy: LockerPolicy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    winner = await repository.add_document(
        session, resident_id=resident_id, requirement=KTP.key, kind="ktp", media_id="m1",
        status="pending",
    )  # fmt: skip
    await session.commit()
    real_find = repository.find_by_media
    calls = 0

    async def blind_first(*args):
        nonlocal calls
        calls += 1
        return None if calls == 1 else await real_find(*args)

    monkeypatch.setattr(repository, "find_by_media", blind_first)
    source = FakeMediaSource()
    doc = await ingest(session, file_store, source, resident_id, policy=policy)
    assert doc.id == winner.id and source.downloads == 0


async def test_read_document_streams_and_audits(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.pdf(2), mime_type="application/pdf")
    doc = await ingest(session, file_store, source, resident_id, policy=policy)
    got, stream = await read_document(
        session, file_store, doc.id, actor="operator:5", reason="verifikasi",
        action=AccessAction.DOWNLOAD, clock=clock,
    )  # fmt: skip
    assert got.id == doc.id
    assert b"".join([chunk async for chunk in stream]) == samples.pdf(2)
    thumb = await read_thumbnail(session, file_store, doc.id, actor="operator:5")
    assert thumb is None  # blank pages have no image to show
    rows = await repository.accesses(session, doc.id)
    assert [(r.actor, r.action, r.reason, r.at) for r in rows] == [
        ("operator:5", "download", "verifikasi", NOW)
    ]


async def test_thumbnail_reads_are_audited(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.sharp_jpeg())
    doc = await ingest(session, file_store, source, resident_id, policy=policy)
    thumb = await read_thumbnail(session, file_store, doc.id, actor="operator:7", clock=clock)
    assert thumb is not None and thumb.startswith(b"\xff\xd8")
    rows = await repository.accesses(session, doc.id)
    assert [(r.actor, r.action, r.reason) for r in rows] == [("operator:7", "view", "thumbnail")]


async def test_documents_without_a_file_cannot_be_read(
    session: AsyncSession, file_store: BlobStore, resident_id: int, policy: LockerPolicy
) -> None:
    source = FakeMediaSource()
    source.add("m1", samples.tiny_jpeg())
    doc = await ingest(session, file_store, source, resident_id, policy=policy)
    with pytest.raises(DocumentNotAvailable, match="rejected"):
        await read_document(session, file_store, doc.id, actor="operator:5", reason=None)
    with pytest.raises(DocumentNotFound):
        await read_document(session, file_store, 987654, actor="operator:5", reason=None)
    count = await session.execute(select(DocumentAccess))
    assert list(count.scalars()) == []


async def add_doc(session: AsyncSession, resident: int, kind: str, **values: object) -> Document:
    defaults: dict[str, object] = {
        "requirement": kind, "kind": kind, "status": "accepted", "sha256": "0" * 64,
        "checked_at": NOW, "created_at": NOW,
    }  # fmt: skip
    return await repository.add_document(session, resident_id=resident, **(defaults | values))


async def test_resident_locker_lists_accepted_unexpired_documents(
    session: AsyncSession, resident_id: int
) -> None:
    other = await make_resident(session)
    kk_old = await add_doc(session, resident_id, "kk", checked_at=NOW - timedelta(days=9))
    kk_new = await add_doc(session, resident_id, "kk", expires_at=NOW + timedelta(days=1))
    akta = await add_doc(session, resident_id, "akta")
    await add_doc(session, resident_id, "ktp", status="rejected")
    await add_doc(session, resident_id, "ktp", expires_at=NOW - timedelta(seconds=1))
    await add_doc(session, resident_id, "ktp", purged_at=NOW)
    await add_doc(session, other, "ktp")
    locker = await resident_locker(session, resident_id, NOW)
    assert [doc.id for doc in locker] == [akta.id, kk_new.id, kk_old.id]


async def test_request_lifecycle_helpers(session: AsyncSession, resident_id: int) -> None:
    one = await add_doc(session, resident_id, "kk")
    two = await add_doc(session, resident_id, "ktp")
    await attach_documents(session, [one.id, two.id], "KK-261122-0007")
    assert await release_request(session, "KK-261122-0007", NOW) == 2
    assert await release_request(session, "KK-261122-0007", NOW) == 0  # already released
    await set_keep_for_reuse(session, one.id, True, NOW)
    await session.refresh(one)
    await session.refresh(two)
    assert (one.request_ref, one.released_at, one.keep_for_reuse, one.consent_at) == (
        "KK-261122-0007", NOW, True, NOW,
    )  # fmt: skip
    assert (two.keep_for_reuse, two.consent_at) == (False, None)
    await set_keep_for_reuse(session, one.id, False, NOW)
    await session.refresh(one)
    assert (one.keep_for_reuse, one.consent_at) == (False, None)
    await attach_documents(session, [one.id], "KK-261123-0001")  # reused by a new request
    await session.refresh(one)
    assert (one.request_ref, one.released_at) == ("KK-261123-0001", None)
