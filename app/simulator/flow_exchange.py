"""The simulated phone's `data_exchange`: what WhatsApp does when a Flow screen calls the endpoint.

The phone posts the screen and the action's payload here; this plays WhatsApp's side honestly
(reference §10.2): the decrypted request (`action`, `screen`, `data`, the message's
`flow_token`) is encrypted with the endpoint's public key (a fresh AES key and IV), signed with
the app secret when one is set, and POSTed to the real `POST /webhooks/whatsapp/flows` of this
very application; its answer is decrypted with the flipped IV and handed to the phone, which
renders the returned screen or the errors. Nothing of the endpoint's logic is copied here.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.bot.signature import SIGNATURE_HEADER, sign
from app.flow_endpoint.endpoint_router import FLOWS_PATH
from app.simulator.delivery import sandbox_parts
from app.simulator.flow_routes import WA_ID, flow_of
from app.whatsapp_flows.endpoint_crypto import DecryptionFailed, encrypt_request

router = APIRouter(prefix="/api/flows")

DATA_API_VERSION = "3.0"
NO_ENDPOINT = "Endpoint Flows belum disetel (WHATSAPP_FLOWS_PRIVATE_KEY)."


class Exchange(BaseModel):
    """What the phone sends: whose phone, the screen the action is on, the action's payload."""

    wa_id: str = Field(pattern=WA_ID.pattern)
    screen: str = Field(max_length=80)
    data: dict[str, Any] = Field(default_factory=dict)


@router.post("/{wamid}/exchange", name="simulator_flow_exchange")
async def exchange(request: Request, wamid: str, asked: Exchange) -> JSONResponse:
    """Call the data endpoint as WhatsApp would; answer `{"status", "answer"}` (decrypted)."""
    runtime, _, _ = sandbox_parts(request)
    settings = runtime.settings
    key = settings.flows_private_key
    if key is None:
        return JSONResponse({"detail": NO_ENDPOINT}, status_code=409)
    opened = await flow_of(runtime, asked.wa_id, wamid)
    payload = {
        "version": DATA_API_VERSION,
        "action": "data_exchange",
        "screen": asked.screen,
        "data": asked.data,
        "flow_token": opened.flow_token,
    }
    sealed = encrypt_request(key.public_key(), payload)
    body = sealed.body()
    headers = {"content-type": "application/json"}
    if settings.whatsapp_app_secret is not None:
        headers[SIGNATURE_HEADER] = sign(
            settings.whatsapp_app_secret.get_secret_value().encode(), body
        )
    transport = httpx.ASGITransport(app=request.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://simulator") as client:
        response = await client.post(FLOWS_PATH, content=body, headers=headers)
    try:
        answer = sealed.decrypt_answer(response.text)
    except DecryptionFailed:  # a refusal before decryption is plain text
        answer = {"error_msg": response.text}
    return JSONResponse({"status": response.status_code, "answer": answer})
