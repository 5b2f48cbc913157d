"""`POST /webhooks/whatsapp/flows`: WhatsApp Flows' data endpoint (reference §5).

In order, each step answering before the next one runs:

1. no private key configured (WHATSAPP_FLOWS_PRIVATE_KEY): 503 with a sentence saying so;
2. a body over `MAX_BODY_BYTES`: 413, the rest unread;
3. `X-Hub-Signature-256` missing or not the HMAC-SHA256 of the raw body with the app secret
   (compared in constant time): 432; in sandbox mode without an app secret the simulator's
   unsigned requests pass, as on the webhook;
4. a body that does not decrypt with our key (not JSON, a flipped byte, another key): 421, so
   WhatsApp fetches the public key again and retries;
5. otherwise `app.flow_endpoint.data_endpoint.answer` decides (200, or 427 for a stale form),
   and the answer goes back encrypted with the request's key and the flipped IV, base64, as
   text/plain.

Refusals before decryption are plain text: WhatsApp shows the resident a generic error for
them, and an operator reading the logs or trying the URL reads the reason. `app.main` mounts
the route with the webhook.
"""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import PlainTextResponse

from app.bot.router import decode_json_object
from app.bot.signature import SIGNATURE_HEADER, SignatureResult, verify_signature
from app.db import utcnow
from app.flow_endpoint import data_endpoint
from app.flow_endpoint.data_endpoint import EndpointParts
from app.observability import FLOWS_ENDPOINT_REQUESTS, FLOWS_ENDPOINT_SECONDS
from app.whatsapp_flows.endpoint_crypto import DecryptionFailed, decrypt_request
from app.whatsapp_flows.forms import ENDPOINT_PATH

log = structlog.get_logger(__name__)

FLOWS_PATH = ENDPOINT_PATH  # the address `loket flows publish` gives Meta as `endpoint_uri`
# Meta caps a Flow's data channel at 1 MB; base64 and the envelope add about a third.
MAX_BODY_BYTES = 2 * 1024 * 1024
NOT_CONFIGURED = (
    "The WhatsApp Flows data endpoint is not configured: set WHATSAPP_FLOWS_PRIVATE_KEY "
    "(`loket flows keygen` makes a key pair and prints the public key to upload)."
)

router = APIRouter(tags=["webhook"])


def endpoint_parts(request: Request) -> EndpointParts:
    """The application's runtime, seen as what the endpoint needs."""
    parts: EndpointParts = request.app.state.runtime
    return parts


Parts = Annotated[EndpointParts, Depends(endpoint_parts)]


def _plain(status: int, text: str) -> PlainTextResponse:
    FLOWS_ENDPOINT_REQUESTS.labels(status=str(status)).inc()
    log.warning("flows endpoint refused", status=status, reason=text[:200])
    return PlainTextResponse(text, status_code=status)


async def _read_body(request: Request) -> bytes | None:
    """The raw body, or None as soon as it passes `MAX_BODY_BYTES`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return None
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_BODY_BYTES:
            return None
    return bytes(received)


@router.post(FLOWS_PATH, response_class=PlainTextResponse)
async def flows_data_exchange(request: Request, parts: Parts) -> Response:
    """Decrypt a Flow's request, answer it, and encrypt the answer (see the module doc)."""
    settings = parts.settings
    key = settings.flows_private_key
    if key is None:
        return _plain(503, NOT_CONFIGURED)
    body = await _read_body(request)
    if body is None:
        return _plain(413, f"body larger than {MAX_BODY_BYTES} bytes")
    secret = settings.whatsapp_app_secret
    if secret is not None or not settings.sandbox:
        header = request.headers.get(SIGNATURE_HEADER)
        checked = (
            verify_signature(secret.get_secret_value().encode(), body, header)
            if secret is not None
            else SignatureResult.INVALID
        )
        if not checked.ok:
            return _plain(432, f"{SIGNATURE_HEADER} is {checked.value}")
    envelope = decode_json_object(body)
    if envelope is None:
        return _plain(421, "the body is not an encrypted Flows request")
    try:
        decrypted = decrypt_request(key, envelope)
    except DecryptionFailed as exc:
        return _plain(421, f"cannot decrypt: {exc}")
    with FLOWS_ENDPOINT_SECONDS.time():
        result = await data_endpoint.answer(parts, decrypted.payload, now=utcnow())
    FLOWS_ENDPOINT_REQUESTS.labels(status=str(result.status)).inc()
    log.info(
        "flows endpoint answered",
        action=str(decrypted.payload.get("action"))[:20],
        status=result.status,
    )
    return PlainTextResponse(decrypted.encrypt_answer(result.body), status_code=result.status)
