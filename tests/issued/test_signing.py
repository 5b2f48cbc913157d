"""Signing with the office's PKCS#12 certificate (QR stamp, PAdES) and checking signatures on
upload when the office requires one; an external signing service through the `Signer` protocol."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from pypdf import PdfReader, PdfWriter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import Headers, UploadFile

from app.config import Settings
from app.db import utcnow
from app.requests.issued import IssueContext, issue_document, verification_url
from app.requests.models import Request
from app.signing import Pkcs12Signer, qr_matrix, signature_status, stamp_qr
from app.signing.validation import load_roots
from tests.support.clients import Api, running
from tests.support.factories import World, seed_requests
from tests.support.files import pdf
from tests.support.issued import TICKET, issued_rows, sha256, stored_bytes, upload
from tests.support.signing import PASSWORD, throwaway_certificate

URL = "https://loket.example.go.id/v/ABCDEFGHJK"


def _signer() -> Pkcs12Signer:
    return Pkcs12Signer(throwaway_certificate().pkcs12, PASSWORD.encode())


def _roots(tmp_path: Path, common_name: str = "Disdukcapil Uji") -> list:
    path = tmp_path / f"{common_name}.pem"
    path.write_bytes(throwaway_certificate(common_name).pem)
    return load_roots(path)


def _link_uris(content: bytes) -> list[str]:
    page = PdfReader(io.BytesIO(content)).pages[0]
    links = [a.get_object() for a in page.get("/Annots", [])]
    return [str(a["/A"]["/URI"]) for a in links if a["/Subtype"] == "/Link"]


def _page_added(signed: bytes) -> bytes:
    """`signed` with a page added in an incremental update after the signature."""
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _drawn_modules(content: bytes) -> set[tuple[int, int]]:
    """(row, column) of each 2-point square drawn on page 1: the QR code's dark modules."""
    data = PdfReader(io.BytesIO(content)).pages[0].get_contents().get_data().decode("latin-1")
    squares = [(float(m[1]), float(m[2])) for m in re.finditer(r"(?m)^(\S+) (\S+) 2 2 re$", data)]
    left = min(x for x, _ in squares)
    top = max(y for _, y in squares)
    return {(round((top - y) / 2), round((x - left) / 2)) for x, y in squares}


async def test_a_signed_pdf_validates_and_carries_the_qr_code(tmp_path: Path) -> None:
    signed = await _signer().sign(stamp_qr(pdf(1), URL), reason="uji")
    status = await signature_status(signed, _roots(tmp_path))
    assert (status.valid, status.reason) == (True, "valid")
    assert status.signer is not None and "Disdukcapil Uji" in status.signer
    assert _link_uris(signed) == [URL]
    matrix = qr_matrix(URL)
    dark = {(r, c) for r, row in enumerate(matrix) for c, cell in enumerate(row) if cell}
    assert _drawn_modules(signed) == dark


async def test_tampering_and_additions_are_told_apart(tmp_path: Path) -> None:
    signed = await _signer().sign(stamp_qr(pdf(1), URL), reason="uji")
    tampered = signed.replace(b"ABCDEFGHJK) Tj", b"ZZZZZZZZZZ) Tj")
    assert tampered != signed and len(tampered) == len(signed)
    assert (await signature_status(tampered)).reason == "altered after signing"
    assert (await signature_status(_page_added(signed))).reason == "changed after signing"
    assert (await signature_status(pdf(1))).reason == "no signature"
    other = await signature_status(signed, _roots(tmp_path, "Kantor Lain"))
    assert (other.valid, other.reason) == (False, "untrusted signer")


@pytest.fixture
def pkcs12(tmp_path: Path) -> Path:
    path = tmp_path / "office.p12"
    path.write_bytes(throwaway_certificate().pkcs12)
    return path


async def _api(settings: Settings, sessionmaker, world: World) -> AsyncIterator[Api]:
    async with running(settings) as (app, client):
        await seed_requests(sessionmaker, world)
        yield Api(app, client, sessionmaker)


@pytest.fixture
async def signing_api(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World, pkcs12: Path
) -> AsyncIterator[Api]:
    configured = settings.model_copy(
        update={
            "signing_pkcs12_path": pkcs12,
            "signing_pkcs12_password": SecretStr(PASSWORD),
            "public_base_url": "https://loket.example.go.id",
            "issued_require_signature": True,
        }
    )
    async for api in _api(configured, sessionmaker, world):
        yield api


async def test_loket_signs_the_upload_with_the_office_certificate(
    signing_api: Api, world: World, tmp_path: Path
) -> None:
    original = pdf(1)
    response = await upload(signing_api, world, "desa_a1", original)
    assert response.status_code == 200, response.text
    issued = response.json()["issued"]
    [row] = await issued_rows(signing_api.sessionmaker)
    kept = await stored_bytes(signing_api, row)
    assert kept != original and issued["sha256"] == sha256(kept) == row.sha256
    assert issued["signed_by"] == "loket"
    url = f"https://loket.example.go.id/v/{issued['verification_code']}"
    assert url == verification_url(signing_api.runtime.settings, row.code)
    assert _link_uris(kept) == [url]
    assert (await signature_status(kept, _roots(tmp_path))).valid is True


@pytest.fixture
async def strict_api(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> AsyncIterator[Api]:
    async for api in _api(
        settings.model_copy(update={"issued_require_signature": True}), sessionmaker, world
    ):
        yield api


async def test_an_office_signed_pdf_is_taken_as_it_is(strict_api: Api, world: World) -> None:
    signed = await _signer().sign(stamp_qr(pdf(1), URL), reason="uji")
    response = await upload(strict_api, world, "desa_a1", signed)
    assert response.status_code == 200, response.text
    assert response.json()["issued"]["signed_by"] == "office"
    assert response.json()["issued"]["sha256"] == sha256(signed)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("none", "no signature"),
        ("tampered", "altered after signing"),
        ("appended", "changed after signing"),
    ],
)
async def test_a_pdf_without_a_valid_signature_is_refused(
    strict_api: Api, world: World, change: str, reason: str
) -> None:
    signed = await _signer().sign(stamp_qr(pdf(1), URL), reason="uji")
    content = {
        "none": pdf(1),
        "tampered": signed.replace(b"ABCDEFGHJK) Tj", b"ZZZZZZZZZZ) Tj"),
        "appended": _page_added(signed),
    }[change]
    response = await upload(strict_api, world, "desa_a1", content)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["msg"]) == (
        ["body", "file"],
        f"the PDF has no valid signature, and this office requires one: {reason}",
    )
    assert await issued_rows(strict_api.sessionmaker) == []


class FakeTte:
    """Stands in for BSrE's TTE service: records what it was asked to sign, signs with the
    throwaway certificate as the service would with the office's."""

    name = "tte"

    def __init__(self) -> None:
        self.asked: list[tuple[int, str]] = []

    async def sign(self, pdf: bytes, *, reason: str) -> bytes:
        self.asked.append((len(pdf), reason))
        return await _signer().sign(pdf, reason=reason)


async def test_an_external_signing_service_through_the_signer_protocol(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> None:
    requests = await seed_requests(sessionmaker, world)
    tte = FakeTte()
    async with running(settings) as (app, _client):
        context = IssueContext(app.state.runtime.store, settings, tte)
        original = pdf(1)
        upload_file = UploadFile(
            io.BytesIO(original),
            size=len(original),
            headers=Headers({"content-type": "application/pdf"}),
        )
        async with sessionmaker() as session:  # issuing commits the locker's writes itself
            request = await session.get(Request, requests[TICKET].id)
            assert request is not None
            issued = await issue_document(
                session,
                context,
                request,
                upload_file,
                actor="operator:desa_a1",
                ip=None,
                now=utcnow(),
            )
            code, digest = issued.code, issued.sha256
            await session.commit()
        stamped_size = len(stamp_qr(original, verification_url(settings, code)))
        assert tte.asked == [(stamped_size, f"Diterbitkan: {TICKET}")]
        [row] = await issued_rows(sessionmaker)
        assert (row.signed_by, row.sha256) == ("tte", digest)
        kept = await app.state.runtime.store.read_bytes(digest)
        assert (await signature_status(kept)).valid is True
