"""The request page's issued-document form: the operator uploads the issued PDF.

The checks, signing and keeping are `app.requests.issued`'s; a refused file shows the page again
with the reason in the operator's words next to the form.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from app.dashboard.deps import DbDep, FormRefused, RuntimeDep, ViewerDep, client_ip
from app.dashboard.router import PostedRequest, handled_request, posted_request
from app.db import utcnow
from app.requests.issued import IssueContext, IssueRefused, issue_document
from app.runtime import Runtime

router = APIRouter()

FORM_ID = "issued-form"
# The refusal codes of `IssueRefused` that have their own words; others read as a general one.
WORDED = frozenset(
    {
        "wrong_type",
        "too_large",
        "pdf_javascript",
        "pdf_unreadable",
        "pdf_encrypted",
        "pdf_too_many_pages",
        "unsigned",
        "signing_failed",
    }
)


@router.post("/requests/{ticket}/issued")
async def upload_issued(
    request: Request, ticket: str, viewer: ViewerDep, db: DbDep, runtime: RuntimeDep
) -> Response:
    """Issue the request's document from the uploaded PDF; back to the page when done.

    The spooled upload is closed however the post ends (a bad CSRF token, another office's
    ticket, a refused file): the parsed form is cached on the request, so it is the same one.
    """
    try:
        posted = await handled_request(await posted_request(request, ticket, viewer, db))
    except BaseException:
        await (await request.form()).close()
        raise
    try:
        await _issue(request, posted, db, runtime)
    finally:
        await posted.form.close()
    return posted.done("issued")


async def _issue(
    request: Request, posted: PostedRequest, db: AsyncSession, runtime: Runtime
) -> None:
    upload = posted.form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise FormRefused("err_issued_no_file", form=FORM_ID)
    context = IssueContext.for_runtime(runtime)
    try:
        await issue_document(
            db,
            context,
            posted.row,
            upload,
            actor=posted.viewer.actor,
            ip=client_ip(request),
            now=utcnow(),
        )
    except IssueRefused as exc:
        key = f"err_issued_{exc.reason}" if exc.reason in WORDED else "err_issued_other"
        raise FormRefused(key, form=FORM_ID) from None
