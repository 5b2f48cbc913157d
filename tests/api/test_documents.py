"""`GET /api/v1/documents/{id}/content`: the file with its type, audited, only within scope."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.db import unit_of_work
from app.locker.models import Document, DocumentAccess
from app.requests.models import Request, RequestDocument
from app.residents.models import Resident
from tests.support.clients import Api
from tests.support.factories import START, World, add_document, seed_requests

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
PDF = b"%PDF-1.4\n% synthetic surat kehilangan\n%%EOF\n"


@dataclass
class Files:
    kk: int  # Siti's, on KTP-261120-0001 (DESA-A1) and KK-261120-0001 (KEC-A)
    letter: int  # Wati's, on KTP-261120-0003 (DESA-B1)
    loose: int  # Siti's, attached to nothing
    purged: int  # Siti's, on KTP-261120-0001, file removed by retention


@pytest.fixture
async def files(api: Api, world: World) -> Files:
    requests = await seed_requests(api.sessionmaker, world)
    store = api.runtime.store
    async with unit_of_work(api.sessionmaker) as session:
        ktp = await session.get(Request, requests["KTP-261120-0001"].id)
        wati_ktp = await session.get(Request, requests["KTP-261120-0003"].id)
        assert ktp is not None and wati_ktp is not None
        siti = await session.get(Resident, ktp.resident_id)
        wati = await session.get(Resident, wati_ktp.resident_id)
        assert siti is not None and wati is not None
        kk = await add_document(
            session, store, resident=siti, requirement="kk", content=JPEG, attach_to=ktp
        )
        session.add(
            RequestDocument(
                request_id=requests["KK-261120-0001"].id,
                document_id=kk.id,
                requirement="kk_lama",
                reused=True,
            )
        )
        letter = await add_document(
            session,
            store,
            resident=wati,
            requirement="surat_kehilangan",
            content=PDF,
            mime_type="application/pdf",
            attach_to=wati_ktp,
        )
        loose = await add_document(
            session, store, resident=siti, requirement="ktp_lama", content=JPEG + b"1"
        )
        purged = await add_document(
            session,
            store,
            resident=siti,
            requirement="ktp_rusak",
            content=JPEG + b"2",
            attach_to=ktp,
        )
        purged.purged_at = START
    return Files(kk.id, letter.id, loose.id, purged.id)


async def _accesses(api: Api) -> list[tuple[int | None, str, str, str | None]]:
    async with api.sessionmaker() as session:
        rows = await session.execute(select(DocumentAccess).order_by(DocumentAccess.id))
        return [(a.document_id, a.actor, a.action, a.reason) for a in rows.scalars()]


async def _download(api: Api, world: World, user: str, document_id: int | str):
    return await api.client.get(
        f"/api/v1/documents/{document_id}/content", headers=world.auth(user)
    )


async def test_a_download_streams_the_file_and_is_audited(
    api: Api, world: World, files: Files
) -> None:
    response = await _download(api, world, "desa_a1", files.kk)
    assert response.status_code == 200
    assert response.content == JPEG
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-length"] == str(len(JPEG))
    assert response.headers["content-disposition"] == (
        f'attachment; filename="document-{files.kk}.jpg"'
    )
    assert response.headers["cache-control"] == "no-store"
    assert await _accesses(api) == [(files.kk, "operator:desa_a1", "download", "api")]

    pdf = await _download(api, world, "desa_b1", files.letter)
    assert (pdf.status_code, pdf.content) == (200, PDF)
    assert pdf.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize(
    ("user", "which", "status"),
    [
        ("desa_a1", "letter", 404),  # another village's request
        ("kec_a", "letter", 404),  # another district
        ("kec_a", "kk", 200),  # through either request it is attached to
        ("kab", "letter", 200),
        ("root", "loose", 404),  # attached to no request
        ("root", "purged", 404),  # no file any more
    ],
)
async def test_only_documents_of_visible_requests_are_served(
    api: Api, world: World, files: Files, user: str, which: str, status: int
) -> None:
    document_id = getattr(files, which)
    response = await _download(api, world, user, document_id)
    assert response.status_code == status
    accesses = await _accesses(api)
    if status == 200:
        assert accesses == [(document_id, f"operator:{user}", "download", "api")]
    else:
        assert response.json()["detail"].startswith("document")
        assert accesses == []


@pytest.mark.parametrize(
    ("document_id", "status"), [(987654, 404), (0, 404), (-3, 404), (2**40, 404), ("abc", 422)]
)
async def test_unknown_ids(
    api: Api, world: World, files: Files, document_id: int | str, status: int
) -> None:
    assert (await _download(api, world, "root", document_id)).status_code == status
    assert await _accesses(api) == []


async def test_a_file_missing_from_the_store_is_404_but_the_attempt_is_on_record(
    api: Api, world: World, files: Files
) -> None:
    async with api.sessionmaker() as session:
        document = await session.get(Document, files.letter)
        assert document is not None and document.sha256 is not None
    await api.runtime.store.delete(document.sha256)
    response = await _download(api, world, "desa_b1", files.letter)
    assert response.status_code == 404
    assert response.json() == {"detail": "document file not found"}
    assert await _accesses(api) == [(files.letter, "operator:desa_b1", "download", "api")]
