"""The simulator: a WhatsApp-like page that plays the resident's phone in sandbox mode.

What the page sends goes through exactly the webhook's path (a Meta-shaped update, parsed by
`app.bot.payloads`, stored by the group-committing ingest); replies come from the sandbox sink the
outbox worker sends to. Only mounted when no WhatsApp access token is configured.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, model_validator

from app.bot.payloads import parse_updates
from app.bot.sandbox import SandboxSink
from app.runtime import Runtime

router = APIRouter(prefix="/simulator", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")

LONG_POLL_SECONDS = 20.0
SANDBOX_PHONE_NUMBER_ID = "sandbox"


class Choice(BaseModel):
    id: str = Field(min_length=1, max_length=256)
    title: str = Field("", max_length=100)
    # The wamid of the bot message that carried the button (as Meta's `context.id`): lets an old
    # button be told from one of the current question. Optional, as in Meta's payloads.
    context: str | None = Field(None, min_length=1, max_length=256)


class SimulatedMessage(BaseModel):
    """What the simulated phone sends: typed text or a tap on a button/list row."""

    wa_id: str = Field(pattern=r"^[0-9]{8,15}$")
    name: str = Field("Warga Simulator", max_length=100)
    text: str | None = Field(None, max_length=4096)
    choice: Choice | None = None

    @model_validator(mode="after")
    def _one_of(self) -> SimulatedMessage:
        if (self.text is None) == (self.choice is None):
            raise ValueError("send either text or choice")
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty")
        return self


def _runtime(request: Request) -> tuple[Runtime, SandboxSink]:
    runtime: Runtime = request.app.state.runtime
    if runtime.sandbox is None:
        raise HTTPException(404, "the simulator exists only in sandbox mode")
    return runtime, runtime.sandbox


def webhook_document(message: SimulatedMessage, wamid: str) -> dict[str, Any]:
    """The update Meta would POST for this message."""
    body: dict[str, Any] = {"from": message.wa_id, "id": wamid, "timestamp": str(int(time.time()))}
    if message.choice is not None:
        body["type"] = "interactive"
        body["interactive"] = {
            "type": "button_reply",
            "button_reply": {"id": message.choice.id, "title": message.choice.title},
        }
        if message.choice.context is not None:
            body["context"] = {"from": SANDBOX_PHONE_NUMBER_ID, "id": message.choice.context}
    else:
        body["type"] = "text"
        body["text"] = {"body": message.text}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "0", "phone_number_id": SANDBOX_PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": message.name}, "wa_id": message.wa_id}],
        "messages": [body],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "sandbox", "changes": [{"field": "messages", "value": value}]}],
    }


@router.get("", response_class=HTMLResponse)
async def page(request: Request) -> HTMLResponse:
    """The fake phone."""
    _runtime(request)
    api = str(request.url_for("simulator_messages").path)
    context = {"poll": LONG_POLL_SECONDS, "api": api}
    return templates.TemplateResponse(request, "simulator.html", context)


@router.post("/api/messages", name="simulator_messages")
async def send(request: Request, message: SimulatedMessage) -> dict[str, str]:
    """Deliver a message from the simulated phone, as Meta's webhook would."""
    runtime, sink = _runtime(request)
    wamid = f"wamid.SIM{uuid.uuid4().hex.upper()}"
    sink.register_inbound(message.wa_id, wamid)
    updates = parse_updates(webhook_document(message, wamid), phone_number_id=None)
    await runtime.ingest.submit(updates)
    return {"wamid": wamid}


@router.get("/api/messages")
async def receive(
    request: Request,
    wa_id: str = Query(pattern=r"^[0-9]{8,15}$"),
    after: int = Query(0, ge=0),
    wait: float = Query(LONG_POLL_SECONDS, ge=0, le=LONG_POLL_SECONDS),
) -> dict[str, Any]:
    """Replies to `wa_id` newer than `after`, waiting up to `wait` seconds for the first one."""
    _, sink = _runtime(request)
    records = await sink.wait_for(wa_id, after, wait)
    return {
        "last": max([after, *(r.index for r in records)]),
        "items": [
            {
                "index": r.index,
                "kind": r.kind,
                "body": r.body,
                "wamid": r.wamid,
                "at": r.at.isoformat(),
            }
            for r in records
        ],
    }
