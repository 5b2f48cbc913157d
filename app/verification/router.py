"""`/v/<code>`: the public page a signed PDF's QR code points to.

It says whether a document with that code was issued here, for which service, when, its SHA-256
and the holder's masked name, and lets the visitor check the PDF they hold: the page hashes it in
the browser (SubtleCrypto) and compares; without JavaScript the form posts the file, which is
hashed here and never kept. Each client address is rate-limited; every lookup is counted (the
Prometheus counter `loket_verify_lookups` and the record's own `lookups`).
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import Any

from babel.dates import format_datetime
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import UploadFile

from app.deps import unit_of_work_session
from app.observability import VERIFY_LOOKUPS
from app.ratelimit import TokenBucket
from app.requests.verification import VerifiedDocument, look_up
from app.runtime import Runtime
from app.verification.texts import words

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
_READ_CHUNK = 256 * 1024


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def limiter(request: Request) -> TokenBucket:
    """The app's bucket of verification lookups per client address (made on first use)."""
    state = request.app.state
    bucket: TokenBucket | None = getattr(state, "verify_limiter", None)
    if bucket is None:
        settings = state.settings
        bucket = TokenBucket(settings.verify_burst, settings.verify_refill_seconds)
        state.verify_limiter = bucket
    return bucket


def _language(request: Request) -> str:
    return "en" if request.query_params.get("lang") == "en" else "id"


def _page(
    request: Request, language: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    other = "id" if language == "en" else "en"
    response = templates.TemplateResponse(
        request,
        "verify.html",
        {"w": words(language), "lang": language, "other": other, "nonce": nonce} | context,
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _shown(document: VerifiedDocument, runtime: Runtime, language: str) -> dict[str, Any]:
    when = document.issued_at.astimezone(runtime.settings.tz)
    return {
        "doc": document,
        "issued": format_datetime(when, "d MMMM y, HH.mm", locale=language),
    }


async def _lookup(
    request: Request, code: str
) -> tuple[Runtime, str, VerifiedDocument | None, Response | None]:
    """The document for `code`, counted; or the refusal page when the client is throttled."""
    runtime = _runtime(request)
    language = _language(request)
    client = request.client.host if request.client else "unknown"
    if not limiter(request).allow(client):
        VERIFY_LOOKUPS.labels("throttled").inc()
        page = _page(request, language, {"state": "throttled", "code": code}, 429)
        page.headers["Retry-After"] = str(max(1, round(limiter(request).retry_after(client))))
        return runtime, language, None, page
    async with unit_of_work_session(runtime) as session:
        document = await look_up(session, runtime.catalog, code, language)
    VERIFY_LOOKUPS.labels("found" if document is not None else "not_found").inc()
    if document is None:
        return runtime, language, None, _page(request, language, {"state": "not_found"}, 404)
    return runtime, language, document, None


@router.get("/v/{code}", response_class=HTMLResponse)
async def verify_page(request: Request, code: str) -> Response:
    """What is known about the document with this code (404 page when none)."""
    runtime, language, document, refusal = await _lookup(request, code)
    if refusal is not None or document is None:
        assert refusal is not None
        return refusal
    return _page(request, language, {"state": "found"} | _shown(document, runtime, language))


async def _digest(upload: UploadFile, limit: int) -> str | None:
    """SHA-256 of the posted file, read in chunks and kept nowhere; None above `limit` bytes."""
    hasher = hashlib.sha256()
    size = 0
    while chunk := await upload.read(_READ_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        hasher.update(chunk)
    return hasher.hexdigest()


@router.post("/v/{code}", response_class=HTMLResponse)
async def verify_file(request: Request, code: str) -> Response:
    """The page again, saying whether the posted file is the issued one (for browsers without
    JavaScript; the file is hashed while it is read and then dropped)."""
    runtime, language, document, refusal = await _lookup(request, code)
    if refusal is not None or document is None:
        assert refusal is not None
        return refusal
    form = await request.form(max_files=1, max_fields=2)
    upload = form.get("file")
    context = {"state": "found"} | _shown(document, runtime, language)
    if not isinstance(upload, UploadFile):
        return _page(request, language, context | {"result": "no_file"}, 422)
    digest = await _digest(upload, runtime.settings.issued_max_bytes)
    await form.close()
    result = "match" if digest == document.sha256 else "mismatch"
    VERIFY_LOOKUPS.labels(f"file_{result}").inc()
    return _page(request, language, context | {"result": result})
