"""Dashboard protections: CSRF tokens, login throttling and security headers.

The throttle is kept in process memory: with several `serve` processes behind a load balancer
each counts its own failures, so an attacker gets at most `limit` tries per process and window.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable, MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
_CSRF_KEY = "csrf"

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


class CsrfFailed(Exception):
    """A POST came without the session's CSRF token (→ 403 with a friendly page)."""


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


def check_csrf(session: MutableMapping[str, Any], submitted: object) -> None:
    """Raise CsrfFailed unless `submitted` is this session's token."""
    expected = session.get(_CSRF_KEY)
    if not isinstance(expected, str) or not isinstance(submitted, str):
        raise CsrfFailed
    if not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise CsrfFailed


class LoginThrottle:
    """Refuses sign-in after `limit` failures for a username or an IP within `window` seconds."""

    def __init__(
        self,
        *,
        limit: int = 5,
        window: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        return f"user:{username.strip().lower()}", f"ip:{ip}"

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def blocked(self, username: str, ip: str) -> bool:
        """True while either the username or the IP has used up its attempts."""
        now = self._clock()
        return any(len(self._recent(k, now)) >= self.limit for k in self._keys(username, ip))

    def failed(self, username: str, ip: str) -> None:
        """Count one failed attempt against both the username and the IP."""
        now = self._clock()
        for key in self._keys(username, ip):
            self._recent(key, now)
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        """A correct password clears the username's count (not the IP's)."""
        self._failures.pop(self._keys(username, "")[0], None)


class SecurityHeadersMiddleware:
    """Adds the security headers to every dashboard response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.lower().encode() not in present:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
