"""What can go wrong inside the locker, as exception types callers can tell apart."""

from __future__ import annotations


class LockerError(Exception):
    """Base of every locker error."""


class BlobNotFound(LockerError):
    """No blob is stored under this digest."""


class BlobIntegrityError(LockerError):
    """Stored bytes fail verification: tampered, truncated, or not what their digest says."""


class MissingKeyError(LockerError):
    """A blob is encrypted with a key id that the configured key ring does not hold."""


class KeyConfigError(LockerError, ValueError):
    """`LOKET_ENCRYPTION_KEY` cannot be parsed; the message says why."""


class DigestMismatch(LockerError):
    """The bytes written do not have the SHA-256 the caller expected; nothing was stored."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"expected sha256 {expected}, got {actual}")
        self.expected = expected
        self.actual = actual


class SizeLimitExceeded(LockerError):
    """A stream went past its byte limit and was stopped there."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


class DocumentNotFound(LockerError):
    """No document row has this id."""


class DocumentNotAvailable(LockerError):
    """The document exists but has no stored file (rejected, unavailable, pending or purged)."""
