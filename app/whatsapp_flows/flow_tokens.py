"""Flow tokens: which resident a form was sent to, for which service, and until when.

WhatsApp echoes the `flow_token` of the message that opened a form in every request to the data
endpoint (and usually in the completion). Ours is signed, so nobody can make one for another
resident, and carries its own expiry, so the endpoint needs no table to tell a live form from a
stale one:

    v1.<base64url JSON {"r": resident id, "s": service code, "l": language, "x": expiry (unix
    seconds), "n": random nonce, and for a renewal "j": the subject's key}>.<base64url HMAC-SHA256>

A renewal token (the FLOW button of an expiry reminder, `app.memory.renewal_form_reminder`) also
names the subject to renew (a boat, by its remembered key): its completion starts that renewal
with nothing open in the chat (`app.conversations.renewal_forms`).

The HMAC key is derived from LOKET_SECRET_KEY (the dashboard's signing key) with its own label,
so a token can never pass as a session cookie or the other way round. About 140 characters:
under the 200 some providers allow. A token that does not verify, or has expired, earns 427.

Whoever sends a form (an interactive `flow` message or a template's FLOW button) takes its token
from `new_flow_token(settings, resident_id=, service=, language=, now=)`: the lifetime is
LOKET_FLOW_TOKEN_HOURS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.config import Settings

_VERSION = "v1"
_LABEL = b"loket/whatsapp-flow-token/v1"


class TokenRefused(ValueError):
    """The token cannot be used: `expired` is True when it was genuine but too old."""

    def __init__(self, reason: str, *, expired: bool = False) -> None:
        super().__init__(reason)
        self.expired = expired


@dataclass(frozen=True)
class FlowToken:
    """What a genuine token says."""

    resident_id: int
    service: str
    language: str
    expires_at: datetime
    subject: str | None = None  # a renewal's subject key (a boat), None for an ordinary form


def token_key(secret: str) -> bytes:
    """The HMAC key of flow tokens, derived from the service's secret key."""
    return hmac.new(secret.encode("utf-8"), _LABEL, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, f"{_VERSION}.{body}".encode("ascii"), hashlib.sha256).digest())


def issue_token(
    key: bytes,
    *,
    resident_id: int,
    service: str,
    language: str,
    now: datetime,
    lifetime: timedelta,
    form: str | None = None,
    subject: str | None = None,
) -> str:
    """A new token for a form sent to `resident_id` now, valid for `lifetime`; `form` is the
    engine's token of the form offered (its nonce, read back by `form_token_of`); `subject`
    names the subject of a renewal form."""
    claims: dict[str, object] = {
        "r": resident_id,
        "s": service,
        "l": language,
        "x": int((now + lifetime).timestamp()),
        "n": form if form is not None else _b64(secrets.token_bytes(6)),
    }
    if subject:
        claims["j"] = subject
    body = _b64(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    return f"{_VERSION}.{body}.{_mac(key, body)}"


def read_token(key: bytes, token: object, *, now: datetime) -> FlowToken:
    """The claims of a genuine, unexpired token; raises `TokenRefused`."""
    if not isinstance(token, str) or not token:
        raise TokenRefused("no flow_token")
    if not token.isascii() or len(token) > 512:
        raise TokenRefused("not a Loket flow token")
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != _VERSION:
        raise TokenRefused("not a Loket flow token")
    _, body, mac = parts
    if not hmac.compare_digest(mac.encode("ascii"), _mac(key, body).encode("ascii")):
        raise TokenRefused("the flow token's signature does not match")
    try:
        claims = json.loads(_unb64(body))
        found = FlowToken(
            resident_id=int(claims["r"]),
            service=str(claims["s"]),
            language="en" if claims.get("l") == "en" else "id",
            expires_at=datetime.fromtimestamp(int(claims["x"]), UTC),
            subject=str(claims["j"]) if claims.get("j") else None,
        )
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise TokenRefused("the flow token's claims cannot be read") from None
    if found.expires_at <= now:
        raise TokenRefused("the flow token has expired", expired=True)
    return found


def new_flow_token(
    settings: Settings,
    *,
    resident_id: int,
    service: str,
    language: str,
    now: datetime,
    form: str | None = None,
    subject: str | None = None,
    lifetime: timedelta | None = None,
) -> str:
    """The token to send with a form, valid for `lifetime` (LOKET_FLOW_TOKEN_HOURS unless
    given). `form`: the engine's token of the form offered, which the completion is matched
    with; `subject` makes it a renewal token."""
    return issue_token(
        token_key(settings.session_secret()),
        resident_id=resident_id,
        service=service,
        language=language,
        now=now,
        lifetime=lifetime or timedelta(hours=settings.flow_token_hours),
        form=form,
        subject=subject,
    )


def form_token_of(token: str | None) -> str | None:
    """The engine's form token inside a signed token (its nonce); any other token as it is.

    Not verified here: the engine compares it with the random token of the draft's form, which
    nobody outside can guess; the endpoint verifies the signature of every request."""
    if token is None or not token.startswith(f"{_VERSION}.") or token.count(".") != 2:
        return token
    try:
        claims = json.loads(_unb64(token.split(".")[1]))
    except (binascii.Error, ValueError):
        return token
    if not isinstance(claims, dict) or claims.get("j"):
        return token  # a renewal token wraps no engine token: it is read whole (renewal_forms)
    nonce = claims.get("n")
    return nonce if isinstance(nonce, str) and nonce else token


def check_flow_token(settings: Settings, token: object, *, now: datetime) -> FlowToken:
    """What a token sent back by WhatsApp says; raises `TokenRefused`."""
    return read_token(token_key(settings.session_secret()), token, now=now)
