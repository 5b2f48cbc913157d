"""A throwaway signing certificate made with cryptography's x509 builder, as a PKCS#12 file.

Key usage says digital signature and non-repudiation, as a document-signing certificate does;
it is self-signed, so it is its own trust root.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "rahasia-uji"


@dataclass(frozen=True)
class TestCertificate:
    pkcs12: bytes  # protected with PASSWORD
    pem: bytes  # the certificate alone, for a trust-roots file
    subject: str


def throwaway_certificate(common_name: str = "Disdukcapil Uji") -> TestCertificate:
    """One self-signed certificate per common name (made once per test run)."""
    return _certificate(common_name)


@functools.cache
def _certificate(common_name: str) -> TestCertificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Loket Test"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    bundle = pkcs12.serialize_key_and_certificates(
        b"loket-test",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM)
    return TestCertificate(bundle, pem, common_name)
