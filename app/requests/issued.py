"""Issued documents: the PDF an office hands the resident at the end of a request.

An operator uploads it (dashboard or API); `issue_document` checks it with the locker's intake
checks (a real PDF, within the size limit, no JavaScript), and then either signs it with the
office's certificate, stamping the verification QR code first, or, when the office requires a
signature and signs elsewhere, refuses a file whose signature is missing or broken. The file is
kept in the locker (encrypted when a key is set) under the request's ticket, and recorded with
its SHA-256 and a verification code.

With the record, `app.requests.issued_send` queues the file for the resident's chat (through
`app.outbox`). `issued_document_for` and `read_issued` find and read it (reading it is audited
like every document access).
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import locker
from app.audit.service import AuditAction, record
from app.config import Settings
from app.flows.catalog import Catalog
from app.requests import issued_send
from app.requests.issued_models import IssuedDocument
from app.requests.models import Request
from app.signing import Signer, SigningFailed, signature_status, signer_from_settings, stamp_qr
from app.signing.validation import load_roots

if TYPE_CHECKING:
    from app.runtime import Runtime

# RFC 4648 base32: capitals and 2–7, no 0/1/8/9 to mix up with O/I/B/g. Ten of them are 50 bits:
# guessing one issued code takes about 10^15 tries / (codes issued), far beyond the rate limit.
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
CODE_LENGTH = 10
REQUIREMENT_KEY = "issued"
AUDIT_REASON = "issued"


class IssueRefused(Exception):
    """The uploaded file is not issued; `reason` is a short code the edges word for people:
    wrong_type, too_large, pdf_javascript, pdf_unreadable, pdf_encrypted, pdf_too_many_pages,
    unsigned (a signature is required and none valid was found), signing_failed, unavailable."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class IssueContext:
    """What issuing needs from the runtime: the locker, the settings and the office's signer."""

    store: locker.BlobStore
    settings: Settings
    signer: Signer | None = None
    # Names the service in the resident's message (its code without a catalog).
    catalog: Catalog | None = None

    @classmethod
    def for_runtime(cls, runtime: Runtime) -> IssueContext:
        """The context the edges issue with: the runtime's locker, settings and catalog, and
        the signer its settings configure (None when the office signs elsewhere)."""
        return cls(
            runtime.store,
            runtime.settings,
            signer_from_settings(runtime.settings),
            catalog=runtime.catalog,
        )


def new_code() -> str:
    """A fresh verification code: 10 random base32 characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str | None:
    """A typed code in canonical form (capitals, no spaces or dashes); None when not a code."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def verification_url(settings: Settings, code: str) -> str:
    """The public page for `code`, as the QR code on the PDF points to it."""
    return f"{settings.public_base_url.rstrip('/')}/v/{code}"


def _requirement(settings: Settings) -> locker.DocumentRequirement:
    return locker.DocumentRequirement(
        key=REQUIREMENT_KEY, kinds=("pdf",), max_bytes=settings.issued_max_bytes, kind="issued"
    )


async def _unused_code(session: AsyncSession) -> str:
    while True:  # a clash is a one-in-10^15 event; checking costs one indexed lookup
        code = new_code()
        taken = await session.scalar(select(IssuedDocument.id).where(IssuedDocument.code == code))
        if taken is None:
            return code


async def _finish(
    checked: locker.CheckedUpload, context: IssueContext, code: str, ticket: str
) -> tuple[locker.CheckedUpload, str]:
    """Sign (QR stamp first) or check the signature; the upload to keep, and who signed it."""
    fetched = checked.fetched
    assert isinstance(fetched, locker.Downloaded)  # an accepted upload was downloaded
    settings = context.settings
    original = await asyncio.to_thread(fetched.path.read_bytes)
    if context.signer is not None:
        try:
            stamped = await asyncio.to_thread(stamp_qr, original, verification_url(settings, code))
            signed = await context.signer.sign(stamped, reason=f"Diterbitkan: {ticket}")
        except SigningFailed as exc:
            raise IssueRefused("signing_failed", str(exc)) from exc
        except Exception as exc:  # a PDF pypdf cannot rewrite: it is not issued as it is
            raise IssueRefused("signing_failed", f"{type(exc).__name__}: {exc}") from exc
        await asyncio.to_thread(fetched.path.write_bytes, signed)
        digest = await asyncio.to_thread(_sha256, signed)
        return replace(checked, fetched=replace(fetched, sha256=digest, size=len(signed))), (
            context.signer.name
        )
    if settings.issued_require_signature:
        roots = None
        if settings.signing_trust_roots is not None:
            roots = await asyncio.to_thread(load_roots, settings.signing_trust_roots)
        status = await signature_status(original, roots)
        if not status.valid:
            raise IssueRefused("unsigned", status.reason)
        return checked, "office"
    return checked, "none"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def issue_document(
    session: AsyncSession,
    context: IssueContext,
    request: Request,
    upload: locker.UploadedFile,
    *,
    actor: str,
    ip: str | None,
    now: datetime,
) -> IssuedDocument:
    """Check, sign or verify, keep and record the issued PDF of `request` (raises IssueRefused).

    Like every locker intake it commits its own short writes (the file's record and the blob);
    the issued record and its audit row are left in the caller's unit of work. A second upload
    replaces the record with a new code: the old code then finds nothing.
    """
    requirement = _requirement(context.settings)
    policy = locker.LockerPolicy(max_bytes=context.settings.issued_max_bytes)
    checked = await locker.check_upload(upload, requirement, policy=policy)
    if not checked.verdict.accepted:
        await checked.discard()
        raise IssueRefused(str(checked.verdict.reason))
    code = await _unused_code(session)
    try:
        checked, signed_by = await _finish(checked, context, code, request.ticket)
    except BaseException:
        await asyncio.shield(checked.discard())
        raise
    document = await locker.store_upload(
        session,
        context.store,
        checked,
        resident_id=request.resident_id,
        requirement=requirement,
        policy=policy,
        clock=lambda: now,
    )
    if not document.has_file or document.sha256 is None or document.size is None:
        raise IssueRefused(document.reason or "unavailable")
    await locker.attach_documents(session, [document.id], request.ticket)
    issued = await session.scalar(
        select(IssuedDocument).where(IssuedDocument.request_id == request.id)
    )
    if issued is None:
        issued = IssuedDocument(request_id=request.id, lookups=0)
        session.add(issued)
    issued.document_id = document.id
    issued.code = code
    issued.sha256 = document.sha256
    issued.size = document.size
    issued.signed_by = signed_by
    issued.issued_by = actor[:64]
    issued.issued_at = now
    record(
        session,
        actor=actor,
        action=AuditAction.DOCUMENT_ISSUED,
        target=request.ticket,
        office_id=request.office_id,
        ip=ip,
        detail={"document_id": document.id, "sha256": document.sha256, "signed_by": signed_by},
        at=now,
    )
    await session.flush()
    # The PDF goes to the resident's chat with this upload's commit (the outbox row joins it).
    await issued_send.send_issued(
        session,
        settings=context.settings,
        catalog=context.catalog,
        request=request,
        issued=issued,
        now=now,
    )
    return issued


async def issued_document_for(session: AsyncSession, ticket: str) -> IssuedDocument | None:
    """The issued document of the request with this ticket, or None when none was issued."""
    found = await session.execute(
        select(IssuedDocument)
        .join(Request, Request.id == IssuedDocument.request_id)
        .where(Request.ticket == ticket)
    )
    return found.scalar_one_or_none()


async def read_issued(
    session: AsyncSession, store: locker.BlobStore, issued: IssuedDocument, *, actor: str
) -> AsyncIterator[bytes]:
    """The issued file's bytes, for sending it to the resident; the read is audited (and
    committed) before any byte is served, as every locker read is."""
    _, content = await locker.read_document(
        session,
        store,
        issued.document_id,
        actor=actor,
        reason=AUDIT_REASON,
        action=locker.AccessAction.DOWNLOAD,
    )
    return content
