"""Meta's webhook endpoint (contract §4): the GET handshake and the durable POST.

The POST does as little as possible, in this order: refuse an oversized body by its
Content-Length (413) and, in live mode, a delivery without a signature header (401), both before
reading a byte of it; reserve the body's bytes in the process's budget (503 with Retry-After when
too much is being read at once); read it within the limit (413); check the signature over the
raw bytes (403); decode JSON, translate the body into inbound updates, and store them
(group-committed with concurrent deliveries). Only a successful commit earns the
200 that stops Meta from re-delivering; any failure answers 500 so Meta tries again later.
No conversation work happens here: the processing worker reads the inbox.
"""

from __future__ import annotations

import hmac
import json
import math
from time import perf_counter
from typing import Annotated, Any, Protocol

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.types import Receive, Scope, Send

from app.bot.body_budget import BodyBudget, Reservation
from app.bot.payloads import ParsedWebhook, parse_webhook
from app.bot.signature import SIGNATURE_HEADER, SignatureResult, verify_signature
from app.config import Settings
from app.inbox.ingest import IngestBatcher
from app.inbox.repository import StoreOutcome
from app.observability import WEBHOOK_REQUESTS, WEBHOOK_STAGE_SECONDS, WEBHOOK_UPDATES

log = structlog.get_logger(__name__)

WEBHOOK_PATH = "/webhooks/whatsapp"
# Meta retries a refused delivery with its own backoff; this only tells other clients when.
BUSY_RETRY_AFTER_SECONDS = 5

router = APIRouter(tags=["webhook"])

# Children resolved once: a labelled look-up per request would cost more than the observation.
_STAGE_READ = WEBHOOK_STAGE_SECONDS.labels(stage="read")
_STAGE_SIGNATURE = WEBHOOK_STAGE_SECONDS.labels(stage="signature")
_STAGE_PARSE = WEBHOOK_STAGE_SECONDS.labels(stage="parse")
_STAGE_STORE = WEBHOOK_STAGE_SECONDS.labels(stage="store")


class WebhookParts(Protocol):
    """What the webhook uses of the running application: its settings, the budget of body bytes
    read at once, and the inbox's group-committing ingest."""

    @property
    def settings(self) -> Settings: ...

    @property
    def webhook_budget(self) -> BodyBudget: ...

    @property
    def ingest(self) -> IngestBatcher: ...


async def webhook_parts(request: Request) -> WebhookParts:
    """The dependency handing the routes their parts: the application's runtime, seen narrowly.

    A coroutine on purpose: FastAPI runs a plain function dependency in a worker thread, a
    thread hand-off per webhook for one attribute read."""
    parts: WebhookParts = request.app.state.runtime
    return parts


Parts = Annotated[WebhookParts, Depends(webhook_parts)]


@router.get(WEBHOOK_PATH, response_class=PlainTextResponse)
async def verify_subscription(request: Request, parts: Parts) -> Response:
    """Meta's handshake: echo `hub.challenge` when `hub.verify_token` is ours, else 403.

    The parameters are read by hand so that a missing one is a 403 (what Meta expects from a
    refusal), not FastAPI's 422.
    """
    settings = parts.settings
    params = request.query_params
    expected = settings.whatsapp_verify_token
    token = params.get("hub.verify_token")
    challenge = params.get("hub.challenge")
    if (
        expected is None
        or params.get("hub.mode") != "subscribe"
        or token is None
        or challenge is None
        or not hmac.compare_digest(token.encode(), expected.get_secret_value().encode())
    ):
        log.warning("webhook verification refused")
        return PlainTextResponse("Forbidden", status_code=403)
    log.info("webhook verified")
    return PlainTextResponse(challenge, headers={"X-Content-Type-Options": "nosniff"})


async def serve_delivery(scope: Scope, receive: Receive, send: Send) -> None:
    """The POST as a bare ASGI application, which `LoketApp` calls before its middleware stack.

    Meta posts here up to 80 times a second per number (1,000 at the top tier), and Starlette's
    middleware, routing and FastAPI's telemetry cost more per request than storing the delivery
    (measured in bench/RESULTS.md). Nothing here needs them: the body is read by hand, the answer
    is always one of ours, and an exception becomes the 500 that makes Meta deliver again.
    `scope["app"]` must be the application whose `state.runtime` serves the webhook."""
    try:
        response = await receive_updates(Request(scope, receive))
    except Exception as exc:
        log.error("webhook failed", exc_info=exc)
        response = _not_stored()
    await response(scope, receive, send)


async def receive_updates(request: Request) -> Response:
    """Store every update of a signed delivery, then acknowledge it."""
    parts: WebhookParts = request.app.state.runtime
    settings = parts.settings
    declared = _declared_length(request, settings.webhook_max_body_bytes)
    if isinstance(declared, Response):
        return declared
    header = request.headers.get(SIGNATURE_HEADER)
    if not settings.sandbox:  # the simulator posts unsigned bodies in sandbox mode
        refusal = _unsigned_refusal(settings, header)
        if refusal is not None:
            return refusal
    reservation = parts.webhook_budget.reserve()
    try:
        started = perf_counter()
        body = await _read_body(request, settings.webhook_max_body_bytes, declared, reservation)
        if isinstance(body, Response):
            return body
        read = perf_counter()
        _STAGE_READ.observe(read - started)
        if not settings.sandbox:
            refusal = _check_signature(settings, body, header)
            if refusal is not None:
                return refusal
            _STAGE_SIGNATURE.observe(perf_counter() - read)
        return await _store(parts, body)
    finally:
        reservation.release()


async def _store(parts: WebhookParts, body: bytes) -> Response:
    settings = parts.settings
    started = perf_counter()
    doc = decode_json_object(body)
    if doc is None:
        return _refuse(400, "bad_json", "body is not a JSON object")
    number = None if settings.sandbox else settings.whatsapp_phone_number_id
    parsed = parse_webhook(doc, phone_number_id=number)
    parsed_at = perf_counter()
    _STAGE_PARSE.observe(parsed_at - started)
    with structlog.contextvars.bound_contextvars(**_context(parsed)):
        try:
            outcome = await parts.ingest.submit(parsed.updates)
            _STAGE_STORE.observe(perf_counter() - parsed_at)
        except Exception as exc:
            # Meta re-delivers anything not answered 200, so nothing is lost by refusing now.
            log.error("webhook not stored", updates=len(parsed.updates), exc_info=exc)
            return _not_stored()
        _count(parsed, outcome)
        log.info(
            "webhook stored",
            stored=outcome.stored,
            duplicates=outcome.duplicates,
            ignored=sum(parsed.ignored.values()),
        )
    WEBHOOK_REQUESTS.labels(outcome="stored").inc()
    return JSONResponse(
        {
            "status": "ok",
            "stored": outcome.stored,
            "duplicates": outcome.duplicates,
            "ignored": sum(parsed.ignored.values()),
        }
    )


def decode_json_object(body: bytes) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is not strict JSON or not an object.

    NaN, Infinity and numbers too large for a float are refused: no database stores them as JSON.
    """
    try:
        doc = json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):
        return None
    return doc if isinstance(doc, dict) else None


def _declared_length(request: Request, limit: int) -> int | Response | None:
    """The announced Content-Length (None for a chunked body), or a refusal: 413 when it is
    over `limit` (before anything else, contract §4), 400 when it is not a number."""
    declared = (request.headers.get("content-length") or "").strip()
    if not declared:
        return None
    if not (declared.isascii() and declared.isdigit()):
        return _refuse(400, "bad_json", "invalid Content-Length")
    if len(declared) > 18 or int(declared) > limit:
        return _refuse(413, "too_large", f"body larger than {limit} bytes")
    return int(declared)


def _unsigned_refusal(settings: Settings, header: str | None) -> Response | None:
    """Refuse before reading when the delivery cannot be verified at all: no app secret (403),
    or no signature header (401). A body nobody signed is never buffered."""
    if settings.whatsapp_app_secret is None:  # Settings refuses live mode without one
        return _refuse(403, "bad_signature", "no app secret configured")
    if header is None or not header.strip():
        return _refuse(401, "no_signature", f"missing {SIGNATURE_HEADER}")
    return None


async def _read_body(
    request: Request, limit: int, declared: int | None, reservation: Reservation
) -> bytes | Response:
    """The raw body, or a refusal: 413 as soon as more than `limit` bytes have arrived (the rest
    is never read), 503 when the process already holds its budget of bodies."""
    if declared is not None and not reservation.grow_to(declared):
        return _busy()
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            return _refuse(413, "too_large", f"body larger than {limit} bytes")
        if not reservation.grow_to(len(received)):
            return _busy()
    return bytes(received)


def _not_stored() -> Response:
    """The 500 Meta answers by delivering again: nothing is lost by refusing."""
    return _refuse(500, "error", "temporarily unable to store updates; please retry")


def _busy() -> Response:
    response = _refuse(503, "busy", "too many large deliveries at once; please retry")
    response.headers["Retry-After"] = str(BUSY_RETRY_AFTER_SECONDS)
    return response


def _check_signature(settings: Settings, body: bytes, header: str | None) -> Response | None:
    """None when the body is signed with our app secret; else 401 (no signature) or 403."""
    secret = settings.whatsapp_app_secret
    if secret is None:  # Settings refuses live mode without one; never fall back to a default
        return _refuse(403, "bad_signature", "no app secret configured")
    checked = verify_signature(secret.get_secret_value().encode(), body, header)
    if checked is SignatureResult.MISSING:
        return _refuse(401, "no_signature", f"missing {SIGNATURE_HEADER}")
    if checked is SignatureResult.INVALID:
        return _refuse(403, "bad_signature", "signature does not match")
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _refuse(status: int, outcome: str, reason: str) -> JSONResponse:
    WEBHOOK_REQUESTS.labels(outcome=outcome).inc()
    if status != 500:
        log.warning("webhook refused", status=status, reason=reason)
    return JSONResponse({"status": "error", "reason": reason}, status_code=status)


def _count(parsed: ParsedWebhook, outcome: StoreOutcome) -> None:
    seen: set[str] = set()
    for update in parsed.updates:
        stored = update.dedup_key in outcome.stored_keys and update.dedup_key not in seen
        seen.add(update.dedup_key)
        WEBHOOK_UPDATES.labels(kind=update.kind, result="stored" if stored else "duplicate").inc()
        log.debug(
            "webhook update",
            kind=update.kind,
            wamid=update.external_id,
            resident=_resident_label(update.user_id, update.wa_id),
            stored=stored,
        )


def _context(parsed: ParsedWebhook) -> dict[str, Any]:
    """Log context for the request: the message id and resident when the body holds one update."""
    if len(parsed.updates) != 1:
        return {"updates": len(parsed.updates)}
    update = parsed.updates[0]
    return {"wamid": update.external_id, "resident": _resident_label(update.user_id, update.wa_id)}


def _resident_label(user_id: str | None, wa_id: str | None) -> str:
    # Logs are kept longer than conversations: show the BSUID, or only the end of a phone number.
    if user_id:
        return user_id
    return f"…{wa_id[-4:]}" if wa_id else "?"
