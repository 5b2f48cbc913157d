"""The simulator: a WhatsApp-like page that plays residents' phones in sandbox mode.

What a phone sends goes the webhook's way: a body of Meta's shape (`payloads`), parsed by
`app.bot.payloads` and stored by the group-committing ingest, so the inbox processor, the media
worker and the locker's intake checks see exactly what they see live. A file first goes into the
sandbox media store, which plays Meta's media endpoints. What the phone shows is rebuilt from the
database (`chat`), so it survives a reload and a restart. A flow message opens its WhatsApp Flow
on the phone, and completing it delivers the `nfm_reply` WhatsApp would (`flow_routes`).
Mounted only when no WhatsApp access token is configured.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from app.bot.sandbox_media import WANT_VOICE, MediaRefused
from app.simulator import flow_exchange, flow_routes, payloads, repository
from app.simulator.chat import Chat, load_chat
from app.simulator.delivery import deliver, link_sent_files, report_arrivals, sandbox_parts

router = APIRouter(prefix="/simulator", include_in_schema=False)
router.include_router(flow_routes.router)
router.include_router(flow_exchange.router)
HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

LONG_POLL_SECONDS = 20.0
# Between looks at the database while a phone waits; a reply sent by this process wakes it sooner.
POLL_SECONDS = 0.5
MAX_FILES = 10
WA_ID = r"^[0-9]{8,15}$"
STATIC = {
    "simulator.js": "text/javascript",
    "render.js": "text/javascript",
    "flow.js": "text/javascript",
    "flow_expr.js": "text/javascript",
    "flow_fields.js": "text/javascript",
    "simulator.css": "text/css",
    "flow.css": "text/css",
}
# Types the page may show inline; anything else is offered as a download, never rendered.
INLINE_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf", "audio/", "video/")


class Choice(BaseModel):
    """A tap on a reply button (`button_reply`) or a list row (`list_reply`)."""

    id: str = Field(min_length=1, max_length=256)
    title: str = Field("", max_length=100)
    kind: Literal["button_reply", "list_reply"] = "button_reply"


class TemplateButton(BaseModel):
    """A tap on a template's quick-reply button."""

    payload: str = Field(min_length=1, max_length=256)
    text: str = Field("", max_length=100)


class Location(BaseModel):
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    name: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=400)


class SimulatedMessage(BaseModel):
    """What the simulated phone sends, apart from files: exactly one of the four kinds.

    `context_id` is the wamid of the message a tap answers, as WhatsApp sends it.
    """

    wa_id: str = Field(pattern=WA_ID)
    name: str = Field("Warga Simulator", min_length=1, max_length=100)
    text: str | None = Field(None, max_length=4096)
    choice: Choice | None = None
    button: TemplateButton | None = None
    location: Location | None = None
    context_id: str | None = Field(None, max_length=256)

    @model_validator(mode="after")
    def _one_of(self) -> SimulatedMessage:
        given = [v for v in (self.text, self.choice, self.button, self.location) if v is not None]
        if len(given) != 1:
            raise ValueError("send exactly one of text, choice, button or location")
        if self.text is not None and not self.text.strip():
            raise ValueError("text is empty")
        return self

    def message(self) -> dict[str, Any]:
        if self.choice is not None:
            c = self.choice
            return payloads.reply_message(c.kind, c.id, c.title, self.context_id)
        if self.button is not None:
            b = self.button
            return payloads.template_button_message(b.payload, b.text, self.context_id)
        if self.location is not None:
            loc = self.location
            return payloads.location_message(loc.latitude, loc.longitude, loc.name, loc.address)
        return payloads.text_message(str(self.text))


@router.get("", response_class=HTMLResponse)
async def page(request: Request) -> HTMLResponse:
    """The fake phone."""
    runtime, _, _ = sandbox_parts(request)
    context = {
        "office": runtime.settings.office_name,
        "api": str(request.url_for("simulator_messages").path).removesuffix("/messages"),
        "static": str(request.url_for("simulator_static", name="x").path).removesuffix("/x"),
        "poll": LONG_POLL_SECONDS,
        "max_files": MAX_FILES,
    }
    return templates.TemplateResponse(request, "simulator.html", context)


@router.get("/static/{name}", name="simulator_static")
async def static(name: str) -> FileResponse:
    if name not in STATIC:
        raise HTTPException(404, "no such file")
    return FileResponse(HERE / "static" / name, media_type=STATIC[name])


@router.post("/api/messages", name="simulator_messages")
async def send(request: Request, message: SimulatedMessage) -> dict[str, str]:
    """Deliver a text, a tap or a location from the simulated phone, as Meta's webhook would."""
    runtime, sink, _ = sandbox_parts(request)
    body = payloads.webhook_body(message.wa_id, message.name, [message.message()])
    (wamid,) = await deliver(runtime, sink, body)
    return {"wamid": wamid}


@router.post("/api/media")
async def send_media(
    request: Request,
    wa_id: Annotated[str, Form(pattern=WA_ID)],
    files: Annotated[list[UploadFile], File()],
    name: Annotated[str, Form(min_length=1, max_length=100)] = "Warga Simulator",
    kind: Annotated[Literal["photo", "document", "voice"], Form()] = "photo",
    caption: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """Photos (an album when several), documents or a voice note from the simulated phone.

    Each file goes into the sandbox media store first; the delivery then carries media ids, as
    Meta's does. A file the store refuses fails the whole send, with the reason.
    """
    runtime, sink, media = sandbox_parts(request)
    if kind == WANT_VOICE and len(files) != 1:
        return _refuse(422, "Kirim satu pesan suara sekali kirim.")
    if not 1 <= len(files) <= MAX_FILES:
        return _refuse(422, f"Kirim 1 sampai {MAX_FILES} berkas sekaligus.")
    stored = []
    for upload in files:
        try:
            stored.append(
                await run_in_threadpool(
                    media.add,
                    upload.file,
                    want=kind,
                    declared_mime=upload.content_type,
                    filename=upload.filename,
                )
            )
        except MediaRefused as refused:
            return _refuse(413 if refused.reason == "too_large" else 422, _why(refused, upload))
    messages = [
        payloads.media_message(item, caption.strip() if index == 0 else None)
        for index, item in enumerate(stored)
    ]
    body = payloads.webhook_body(wa_id, name, messages)
    return JSONResponse({"wamids": await deliver(runtime, sink, body)})


_MEDIA_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
}


@router.get("/api/media/{media_id}", name="simulator_media")
async def media_file(request: Request, media_id: str) -> Response:
    """A file from the sandbox media store: the resident's own photo, or an attachment."""
    _, sink, media = sandbox_parts(request)
    found = await run_in_threadpool(media.find, media_id)
    sent = sink.uploaded(media_id) if found is None else None
    if sent is not None:  # a file Loket sent: an issued PDF, downloaded as the phone would
        filename, content = sent
        return Response(
            content,
            media_type="application/pdf"
            if filename.endswith(".pdf")
            else "application/octet-stream",
            headers={**_MEDIA_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
        )
    if found is None:
        raise HTTPException(404, "media not found or expired")
    stored, path = found
    inline = stored.mime_type.startswith(INLINE_TYPES)
    headers = dict(_MEDIA_HEADERS)
    return FileResponse(
        path,
        media_type=stored.mime_type if inline else "application/octet-stream",
        filename=stored.filename or media_id,
        content_disposition_type="inline" if inline else "attachment",
        headers=headers,
    )


@router.get("/api/chat", name="simulator_chat")
async def chat(
    request: Request,
    wa_id: Annotated[str, Query(pattern=WA_ID)],
    since: Annotated[str, Query(max_length=64)] = "",
    wait: Annotated[float, Query(ge=0, le=LONG_POLL_SECONDS)] = 0,
) -> dict[str, Any]:
    """The phone's screen; waits up to `wait` seconds for it to differ from version `since`."""
    runtime, sink, _ = sandbox_parts(request)
    deadline = time.monotonic() + wait
    screen: Chat | None = None
    try:
        while True:
            mark = sink.last_index
            async with runtime.sessionmaker() as session:
                screen = await load_chat(session, wa_id)
            await report_arrivals(runtime, sink, screen)
            link_sent_files(sink, screen)
            remaining = deadline - time.monotonic()
            if screen.version != since or remaining <= 0 or await request.is_disconnected():
                return screen.as_json()
            if await sink.wait_for(wa_id, mark, min(remaining, POLL_SECONDS)):
                # The sink heard of a reply; its row is marked sent a moment later.
                await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        # The server is stopping and its grace time is up: uvicorn cancels what still runs and
        # would answer 500. A waiting phone gets the screen it already has instead, and polls
        # again (finding the server back after a restart). A cancel before any read stands.
        task = asyncio.current_task()
        if screen is None or task is None:
            raise
        task.uncancel()
        return screen.as_json()


@router.get("/api/residents")
async def residents(request: Request) -> dict[str, Any]:
    """The residents the simulator can play: every one with a phone number, latest first."""
    runtime, _, _ = sandbox_parts(request)
    async with runtime.sessionmaker() as session:
        found = await repository.recent_residents(session)
    return {"items": [{"wa_id": r.wa_id, "name": r.name} for r in found]}


def _why(refused: MediaRefused, upload: UploadFile) -> str:
    name = upload.filename or "Berkas"
    if refused.reason == "too_large" and refused.limit:
        return f"{name} terlalu besar: WhatsApp membatasi {refused.limit // (1024 * 1024)} MB."
    if refused.reason == "not_audio":
        return f"{name} bukan rekaman suara."
    return f"{name} kosong."


def _refuse(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"detail": reason}, status_code=status)
