"""Dashboard protections: CSRF tokens and security headers.

The login throttle counts in the database (app.operators.throttle), shared by every process.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
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
