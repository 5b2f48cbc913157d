"""`POST /api/v1/requests/{ticket}/issued`: checked, kept (encrypted), recorded, audited, scoped."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.config import Settings
from app.requests.issued import CODE_ALPHABET
from tests.support.clients import Api, running
from tests.support.factories import World, seed_requests
from tests.support.files import pdf, sharp_jpeg
from tests.support.issued import TICKET, issue_audit, issued_rows, sha256, stored_bytes, upload
from tests.support.media import sample_key

CODE = re.compile(f"^[{CODE_ALPHABET}]{{10}}$")


@pytest.fixture
async def api(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> AsyncIterator[Api]:
    encrypted = settings.model_copy(
        update={
            "encryption_key": SecretStr(sample_key(9)),
            "issued_max_bytes": 64 * 1024,
            "public_base_url": "https://loket.example.go.id/",
        }
    )
    async with running(encrypted) as (app, client):
        await seed_requests(sessionmaker, world)
        yield Api(app, client, sessionmaker)


def _plaintext_blobs(root: Path) -> list[bool]:
    """For each file in the locker's folder: does it hold a readable PDF header?"""
    return [b"%PDF" in path.read_bytes() for path in root.rglob("*") if path.is_file()]


async def test_a_good_pdf_is_kept_encrypted_recorded_and_audited(
    api: Api, world: World, settings: Settings
) -> None:
    content = pdf(2)
    response = await upload(api, world, "desa_a1", content)
    assert response.status_code == 200, response.text
    issued = response.json()["issued"]
    assert set(issued) == {"verification_code", "sha256", "issued_at", "signed_by"}
    assert CODE.match(issued["verification_code"])
    assert (issued["sha256"], issued["signed_by"]) == (sha256(content), "none")

    again = await api.client.get(f"/api/v1/requests/{TICKET}", headers=world.auth("desa_a1"))
    assert again.json()["issued"] == issued
    [row] = await issued_rows(api.sessionmaker)
    assert (row.code, row.sha256, row.size, row.issued_by) == (
        issued["verification_code"],
        sha256(content),
        len(content),
        "operator:desa_a1",
    )
    assert await stored_bytes(api, row) == content
    # At rest the blob is sealed: no PDF header, no plaintext.
    assert _plaintext_blobs(Path(settings.locker_url.removeprefix("file:"))) == [False]
    assert await issue_audit(api.sessionmaker) == [("operator:desa_a1", TICKET, "none")]


async def test_a_request_not_issued_shows_null(api: Api, world: World) -> None:
    answer = await api.client.get(f"/api/v1/requests/{TICKET}", headers=world.auth("desa_a1"))
    assert answer.json()["issued"] is None


async def test_a_second_upload_replaces_the_code(api: Api, world: World) -> None:
    first = (await upload(api, world, "desa_a1", pdf(1))).json()["issued"]
    second = (await upload(api, world, "desa_a1", pdf(3))).json()["issued"]
    assert first["verification_code"] != second["verification_code"]
    [row] = await issued_rows(api.sessionmaker)
    assert (row.code, row.sha256) == (second["verification_code"], sha256(pdf(3)))


@pytest.mark.parametrize(
    ("content", "status", "detail"),
    [
        (sharp_jpeg(), 422, "the file is not a PDF"),
        (b"hello, this is text\n" * 10, 422, "the file is not a PDF"),
        (pdf(javascript="app.alert('x');"), 422, "the PDF contains JavaScript"),
        (pdf(link_js=True), 422, "the PDF contains JavaScript"),
        (b"%PDF-1.7\n" + b"0" * 2000, 422, "the PDF cannot be read"),
        (pdf(1) + b"%" + b"x" * 70 * 1024, 413, "the file is larger than the limit"),
    ],
    ids=["jpeg", "text", "javascript", "link-javascript", "broken", "too-big"],
)
async def test_a_refused_file_is_not_issued(
    api: Api, world: World, content: bytes, status: int, detail: str
) -> None:
    response = await upload(api, world, "desa_a1", content)
    assert response.status_code == status
    if status == 413:
        assert response.json() == {"detail": detail}
    else:
        [error] = response.json()["detail"]
        assert (error["loc"], error["msg"]) == (["body", "file"], detail)
    assert await issued_rows(api.sessionmaker) == []
    assert await issue_audit(api.sessionmaker) == []


@pytest.mark.parametrize(
    ("user", "ticket", "status"),
    [
        ("desa_b1", TICKET, 404),  # another village
        ("desa_a1", "KTP-261120-0003", 404),  # Wati's, at DESA-B1
        ("desa_a1", "KTP-999999-0001", 404),  # no such request
        ("kec_a", TICKET, 200),  # its district sees it
    ],
)
async def test_only_the_operators_offices_requests(
    api: Api, world: World, user: str, ticket: str, status: int
) -> None:
    response = await upload(api, world, user, pdf(1), ticket)
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"detail": "request not found"}
        assert await issued_rows(api.sessionmaker) == []


async def test_without_a_token(api: Api) -> None:
    response = await api.client.post(
        f"/api/v1/requests/{TICKET}/issued", files={"file": ("a.pdf", pdf(1), "application/pdf")}
    )
    assert response.status_code == 401
