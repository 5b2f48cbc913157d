"""`POST /api/v1/requests/{ticket}/issued`: the operator hands in the issued PDF.

The file is checked, signed or its signature verified, and kept by `app.requests.issued`; the
answer is the request with its `issued` block. Another office's request is 404, as everywhere.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile, status
from sqlalchemy.ext.asyncio import AsyncSession

from app.api import presenters
from app.api.deps import RuntimeDep, SessionDep, ViewerDep, forbidden, invalid, not_found
from app.api.schemas import ErrorOut, IssuedOut, RequestOut
from app.db import utcnow
from app.requests import queries
from app.requests.issued import IssueContext, IssueRefused, issue_document, issued_document_for
from app.requests.models import Request as RequestRow
from app.residents.models import Resident

router = APIRouter(prefix="/api/v1", tags=["operator API"])

# What each refusal says to the API client (English, like the rest of the API's errors).
REFUSALS = {
    "wrong_type": "the file is not a PDF",
    "too_large": "the file is larger than the limit",
    "pdf_javascript": "the PDF contains JavaScript",
    "pdf_unreadable": "the PDF cannot be read",
    "pdf_encrypted": "the PDF is password-protected",
    "pdf_too_many_pages": "the PDF has too many pages",
    "unsigned": "the PDF has no valid signature, and this office requires one",
    "signing_failed": "the PDF could not be signed",
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "the body cannot be read as multipart form data"},
    401: {"model": ErrorOut, "description": "no, unknown or revoked bearer token"},
    403: {"model": ErrorOut, "description": "a village that only pre-checks this request"},
    404: {"model": ErrorOut, "description": "unknown, or outside the operator's offices"},
    413: {"model": ErrorOut, "description": "the file is larger than LOKET_ISSUED_MAX_BYTES"},
}


def refusal_text(exc: IssueRefused) -> str:
    text = REFUSALS.get(exc.reason, f"the file was not kept ({exc.reason})")
    return f"{text}: {exc.detail}" if exc.detail and exc.reason == "unsigned" else text


async def request_with_issued(
    session: AsyncSession, request: RequestRow, resident: Resident
) -> RequestOut:
    """The request's JSON with its `issued` block (null until issued)."""
    out = presenters.request_detail(await queries.request_in_full(session, request, resident))
    issued = await issued_document_for(session, request.ticket)
    if issued is None:
        return out
    block = IssuedOut(
        verification_code=issued.code,
        sha256=issued.sha256,
        issued_at=issued.issued_at,
        signed_by=issued.signed_by,
    )
    return out.model_copy(update={"issued": block})


@router.post("/requests/{ticket}/issued", response_model=RequestOut, responses=_RESPONSES)
async def upload_issued(
    ticket: str,
    file: Annotated[UploadFile, File(description="the issued document, a PDF")],
    http: Request,
    viewer: ViewerDep,
    session: SessionDep,
    runtime: RuntimeDep,
) -> RequestOut:
    """Issue the request's document: checked, signed (or its signature verified), kept.

    A file refused by the checks is 422 with the reason as the `file` field's error (413 when
    it is too large)."""
    found = await queries.find_request(session, viewer.scope, ticket, for_update=True)
    if found is None:
        not_found("request")
    request, resident = found
    if not queries.handles(viewer.scope, request):
        forbidden("your office only pre-checks this request; the handling office acts on it")
    context = IssueContext.for_runtime(runtime)
    try:
        await issue_document(
            session,
            context,
            request,
            file,
            actor=viewer.actor,
            ip=http.client.host if http.client else None,
            now=utcnow(),
        )
    except IssueRefused as exc:
        if exc.reason == "too_large":
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, refusal_text(exc)) from None
        # Shaped like FastAPI's own 422 (as every 422 of this API), at the `file` field.
        invalid(("body", "file"), refusal_text(exc))
    return await request_with_issued(session, request, resident)
