"""Does a PDF carry a valid signature? Intact, cryptographically valid, covering the whole file.

"The whole file" matters: bytes appended after signing (an incremental update that changes the
page) leave the old signature intact but no longer covering what a reader sees, so such a file
does not count as signed. With trust roots configured the signer's certificate must also chain to
one of them; without, an intact, valid signature counts whoever made it (the office checks who).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext


@dataclass(frozen=True)
class SignatureStatus:
    """The verdict on a PDF's signatures: `valid` and, when not, a short reason in English."""

    valid: bool
    reason: str
    signer: str | None = None  # the signing certificate's subject, for the record


def load_roots(path: Path) -> list[x509.Certificate]:
    """The PEM (or DER) certificates in `path`."""
    data = path.read_bytes()
    if pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def _check(pdf: bytes, roots: list[x509.Certificate] | None) -> SignatureStatus:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # an unreadable file has no signature worth the name
        return SignatureStatus(False, f"unreadable: {type(exc).__name__}")
    if not signatures:
        return SignatureStatus(False, "no signature")
    # No roots: an empty list, never the operating system's (an office's certificate is
    # seldom in it, and pyHanko is retiring that fallback).
    context = ValidationContext(trust_roots=roots or [], allow_fetching=False)
    last = signatures[-1]
    try:
        status = validate_pdf_signature(last, signer_validation_context=context)
    except (SignatureValidationError, ValueError) as exc:
        return SignatureStatus(False, f"invalid: {type(exc).__name__}")
    signer = status.signing_cert.subject.human_friendly
    if not (status.intact and status.valid):
        return SignatureStatus(False, "altered after signing", signer)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return SignatureStatus(False, "changed after signing", signer)
    if roots is not None and not status.trusted:
        return SignatureStatus(False, "untrusted signer", signer)
    return SignatureStatus(True, "valid", signer)


async def signature_status(
    pdf: bytes, roots: list[x509.Certificate] | None = None
) -> SignatureStatus:
    """The verdict on `pdf`'s last signature (in a worker thread: validation is CPU work)."""
    return await asyncio.to_thread(_check, pdf, roots)
