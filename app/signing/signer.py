"""Signers: the office's own PKCS#12 certificate held by Loket, or an external service.

pyHanko's synchronous entry points run their own event loop, so they are called in a worker
thread: the server's loop is never blocked by a signature.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Protocol

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from app.config import Settings

FIELD_NAME = "LoketSignature"


class SigningFailed(Exception):
    """The PDF could not be signed (bad certificate, password, or a PDF pyHanko cannot update)."""


class Signer(Protocol):
    """Signs a PDF and returns the signed file. An external service (BSrE's TTE) implements it
    as a client of that service; `Pkcs12Signer` does it here."""

    name: str  # recorded as `signed_by`: "loket" when signed here

    async def sign(self, pdf: bytes, *, reason: str) -> bytes: ...


class Pkcs12Signer:
    """A PAdES signature with the office's certificate and key from a PKCS#12 file."""

    name = "loket"

    def __init__(self, pkcs12: bytes, password: bytes | None) -> None:
        loaded = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=(), passphrase=password)
        if loaded is None:
            raise SigningFailed("the PKCS#12 file cannot be opened with that password")
        self._signer = loaded

    @classmethod
    def from_file(cls, path: Path, password: str | None) -> Pkcs12Signer:
        return cls(path.read_bytes(), password.encode() if password is not None else None)

    def _sign_now(self, pdf: bytes, reason: str) -> bytes:
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
            meta = signers.PdfSignatureMetadata(
                field_name=FIELD_NAME,
                reason=reason,
                subfilter=fields.SigSeedSubFilter.PADES,
            )
            out = signers.sign_pdf(writer, meta, signer=self._signer)
        except Exception as exc:  # pyHanko raises many kinds; all mean "not signed"
            raise SigningFailed(f"{type(exc).__name__}: {exc}") from exc
        return bytes(out.getvalue())

    async def sign(self, pdf: bytes, *, reason: str) -> bytes:
        return await asyncio.to_thread(self._sign_now, pdf, reason)


def signer_from_settings(settings: Settings) -> Signer | None:
    """The office's signer when a PKCS#12 certificate is configured; None otherwise."""
    if settings.signing_pkcs12_path is None:
        return None
    secret = settings.signing_pkcs12_password
    password = secret.get_secret_value() if secret is not None else None
    return Pkcs12Signer.from_file(settings.signing_pkcs12_path, password)
