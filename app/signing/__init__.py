"""Signing issued PDFs and checking their signatures.

- `Signer`: what signs a PDF (a protocol); `Pkcs12Signer` signs with the office's own PKCS#12
  certificate (pyHanko, PAdES); an external service (BSrE's TTE) is another `Signer`.
- `stamp_qr`: draws the verification QR code (segno) and its address on the first page.
- `signature_status`: whether a PDF carries a valid signature covering the whole file.
"""

from app.signing.qr_stamp import qr_matrix, stamp_qr
from app.signing.signer import Pkcs12Signer, Signer, SigningFailed, signer_from_settings
from app.signing.validation import SignatureStatus, signature_status

__all__ = [
    "Pkcs12Signer",
    "SignatureStatus",
    "Signer",
    "SigningFailed",
    "qr_matrix",
    "signature_status",
    "signer_from_settings",
    "stamp_qr",
]
