"""The one-time code that hands a finished document over, at the counter or at the door.

Entering `ready_for_pickup` or `out_for_delivery` makes a fresh 6-digit code, sends it to the
resident and keeps only its hash (`Request.pickup_code_hash`). Completing from either status
needs that code back — shown at the counter, or given to the courier who tells the office — or
an operator's override, which the history and the audit log record.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.requests.models import Request

VERIFIED = "verified"
OVERRIDDEN = "overridden"


class InvalidTransitionInput(ValueError):
    """The move is allowed but the operator did not give what it needs (→ 422)."""


class PickupCodeMismatch(Exception):
    """The code the resident showed (or gave the courier) is not the one we sent (→ 409)."""


def _code_hash(ticket: str, code: str) -> str:
    return hashlib.sha256(f"{ticket}:{code}".encode()).hexdigest()


def new_code(request: Request) -> str:
    """A fresh one-time code for `request`; only its hash is kept (it replaces any earlier one)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    request.pickup_code_hash = _code_hash(request.ticket, code)
    return code


def is_pickup_code(request: Request, candidate: str) -> bool:
    """True when `candidate` is the request's current one-time code (to hide it)."""
    expected = request.pickup_code_hash
    return bool(expected) and hmac.compare_digest(
        expected or "", _code_hash(request.ticket, candidate)
    )


def check_code(request: Request, code: str | None, override: bool, *, what: str) -> str:
    """How the handover was confirmed: VERIFIED (the right code) or OVERRIDDEN (without one).

    `what` names the code in the errors ("pickup", "delivery").
    """
    if override:
        return OVERRIDDEN  # the history records who completed without the code
    if not code or not code.strip():
        raise InvalidTransitionInput(f"completing a {what} needs the resident's {what} `code`")
    expected = request.pickup_code_hash or ""
    if not hmac.compare_digest(expected, _code_hash(request.ticket, code.strip())):
        raise PickupCodeMismatch(f"wrong {what} code")
    return VERIFIED
