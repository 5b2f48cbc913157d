"""The request page's issued-document form: CSRF, the reason next to the form, scope, the panel."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.clients import Dashboard
from tests.support.factories import World, seed_requests
from tests.support.files import pdf, sharp_jpeg
from tests.support.issued import TICKET, issue_audit, issued_rows, sha256

PAGE = f"/dashboard/requests/{TICKET}"


@pytest.fixture
async def signed_in(
    dash: Dashboard, world: World, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[Dashboard, str]:
    await seed_requests(sessionmaker, world)
    return dash, await dash.sign_in("desa_a1")


async def _post(dash: Dashboard, csrf: str, content: bytes, ticket: str = TICKET):
    return await dash.client.post(
        f"/dashboard/requests/{ticket}/issued",
        data={"csrf_token": csrf},
        files={"file": ("terbit.pdf", content, "application/pdf")},
    )


async def test_an_upload_through_the_form_issues_the_document(
    signed_in: tuple[Dashboard, str],
) -> None:
    dash, csrf = signed_in
    before = await dash.client.get(PAGE)
    assert 'id="issued-form"' in before.text and 'enctype="multipart/form-data"' in before.text
    assert "Belum ada dokumen terbit." in before.text
    content = pdf(1)
    answer = await _post(dash, csrf, content)
    assert (answer.status_code, answer.headers["location"]) == (303, f"{PAGE}?done=issued")
    page = await dash.client.get(f"{PAGE}?done=issued")
    [row] = await issued_rows(dash.sessionmaker)
    assert row.sha256 == sha256(content)
    assert "Dokumen terbit disimpan." in page.text
    assert f'<dd id="issued-code">{row.code}</dd>' in page.text
    assert f'<dd class="hash" id="issued-sha256">{row.sha256}</dd>' in page.text
    assert f'href="http://localhost:8000/v/{row.code}"' in page.text
    assert await issue_audit(dash.sessionmaker) == [("operator:desa_a1", TICKET, "none")]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (sharp_jpeg(), "Berkas ini bukan PDF."),
        (pdf(javascript="app.alert(1)"), "PDF ini berisi JavaScript dan tidak bisa diterima."),
    ],
)
async def test_a_refused_file_is_explained_next_to_the_form(
    signed_in: tuple[Dashboard, str], content: bytes, words: str
) -> None:
    dash, csrf = signed_in
    answer = await _post(dash, csrf, content)
    assert answer.status_code == 422
    assert (
        f'<p class="error form-error" id="form-error" data-for="issued-form" role="alert" '
        f'tabindex="-1" autofocus>{words}</p>'
    ) in answer.text
    assert await issued_rows(dash.sessionmaker) == []


async def test_no_file_chosen(signed_in: tuple[Dashboard, str]) -> None:
    dash, csrf = signed_in
    answer = await dash.client.post(
        f"/dashboard/requests/{TICKET}/issued", data={"csrf_token": csrf}
    )
    assert answer.status_code == 422
    assert 'data-for="issued-form"' in answer.text and "Pilih berkas PDF dulu." in answer.text


async def test_without_the_csrf_token_nothing_happens(signed_in: tuple[Dashboard, str]) -> None:
    dash, _ = signed_in
    answer = await _post(dash, "forged", pdf(1))
    assert answer.status_code == 403
    assert await issued_rows(dash.sessionmaker) == []


async def test_another_offices_request_is_not_found(signed_in: tuple[Dashboard, str]) -> None:
    dash, csrf = signed_in
    answer = await _post(dash, csrf, pdf(1), "KTP-261120-0003")
    assert answer.status_code == 404
    assert await issued_rows(dash.sessionmaker) == []
