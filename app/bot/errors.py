"""Errors of the outbound side: what Meta's Graph API answered, and what we refuse to send.

Meta asks integrators to build error handling on `code` plus `error_data.details`, not on titles,
subcodes or HTTP statuses (reference §5), so `GraphError` keeps exactly those and the retry policy
in `app.outbox.retry` decides on `code` first and only falls back to the HTTP status when Meta sent
no code at all.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from app.locker import MediaGone, MediaUrlExpired

MAX_RETRY_AFTER_SECONDS = 3600.0


class GraphError(Exception):
    """A Graph API call that did not succeed, parsed from Meta's error shape.

    Meta answers `{"error": {"message", "type", "code", "error_data": {"details"}, "fbtrace_id"}}`;
    a proxy or load balancer in between may answer anything, so every field may be missing.
    """

    def __init__(
        self,
        *,
        code: int | None,
        details: str | None = None,
        http_status: int | None = None,
        fbtrace_id: str | None = None,
        message: str = "",
        error_type: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.code = code
        self.details = details
        self.http_status = http_status
        self.fbtrace_id = fbtrace_id
        self.message = message
        self.error_type = error_type
        # Seconds the answer's `Retry-After` header asked us to wait, if it sent one.
        self.retry_after = retry_after
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for logs and the outbox row: code, HTTP status, message, details, trace id."""
        line = f"Graph error {self.code if self.code is not None else '(no code)'}"
        if self.http_status is not None:
            line += f" (HTTP {self.http_status})"
        text = self.message
        if self.details and self.details not in text:
            text = f"{text} — {self.details}" if text else self.details
        if text:
            line += f": {text}"
        if self.fbtrace_id:
            line += f" [fbtrace_id={self.fbtrace_id}]"
        if self.retry_after is not None:
            line += f" (Retry-After {self.retry_after:g} s)"
        return line

    @classmethod
    def from_response(
        cls, http_status: int, content: bytes, *, retry_after: float | None = None
    ) -> GraphError:
        """Parse an error answer; a body that is not Meta's shape keeps only the HTTP status."""
        payload: Any = None
        try:
            payload = json.loads(content) if content else None
        except ValueError:
            payload = None
        error = payload.get("error") if isinstance(payload, dict) else None
        if not isinstance(error, dict):
            snippet = content[:200].decode("utf-8", errors="replace").strip()
            return cls(code=None, http_status=http_status, message=snippet, retry_after=retry_after)
        error_data = error.get("error_data")
        details = error_data.get("details") if isinstance(error_data, dict) else None
        return cls(
            code=_as_int(error.get("code")),
            details=str(details) if details is not None else None,
            http_status=http_status,
            fbtrace_id=_as_str(error.get("fbtrace_id")),
            message=_as_str(error.get("message")) or "",
            error_type=_as_str(error.get("type")),
            retry_after=retry_after,
        )


class GraphNetworkError(GraphError):
    """The request did not get an HTTP answer: connection refused, timeout, reset.

    A timeout after the body was written may still mean Meta accepted the message, so a retry can
    deliver it twice; the outbox accepts that (at-least-once) rather than lose a message.
    """

    def __init__(self, message: str) -> None:
        super().__init__(code=None, message=message)

    def describe(self) -> str:
        return f"network error: {self.message}"


class MediaUrlExpiredError(MediaUrlExpired):
    """A media download URL answered 404/401/403: it expired (after 5 minutes) or was revoked.

    The caller fetches a fresh URL with `GraphClient.get_media` and tries again (reference §3);
    the locker's fetcher catches it as its own `MediaUrlExpired`.
    """

    def __init__(self, url: str, http_status: int) -> None:
        self.url = url
        self.http_status = http_status
        super().__init__(f"media URL answered HTTP {http_status}; fetch a fresh URL")


class MediaGoneError(GraphError, MediaGone):
    """`GET /{media_id}` says the id does not exist: expired (7 days for received media) or deleted.

    Retrying cannot help; the locker's fetcher catches it as its own `MediaGone`.
    """


class MessageLimitError(ValueError):
    """A message body breaks one of Meta's hard limits in a way only the programmer can fix."""


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """An HTTP `Retry-After` value (seconds, or an HTTP date) as seconds from `now`.

    Nonsense is ignored (None); a date in the past is 0; anything beyond an hour is read as an
    hour, so a broken header cannot stop all sending for days.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    seconds: float
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _as_str(value: Any) -> str | None:
    return None if value is None else str(value)
