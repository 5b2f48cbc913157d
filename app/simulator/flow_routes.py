"""The simulated phone's WhatsApp Flows: open the form a flow message carries, and complete it.

Opening answers the Flow JSON (see `flow_forms`), the first screen and its data. Completing does
what WhatsApp does when the resident taps the terminal screen's button: the picked files go into
the sandbox media store (as a chat photo does, so they get media ids the media worker can fetch),
and one `nfm_reply` message, whose `response_json` holds the `flow_token` and the form values with
files as `{file_name, mime_type, sha256, id}`, is delivered with `context.id` = the flow message.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from app.bot.sandbox_media import WANT_DOCUMENT, WANT_PHOTO, MediaRefused
from app.runtime import Runtime
from app.simulator import payloads, repository
from app.simulator.delivery import deliver, sandbox_parts
from app.simulator.flow_forms import (
    MAX_FLOW_BYTES,
    MAX_FLOW_FILES,
    FlowNotFound,
    OpenedFlow,
    open_flow,
)
from app.whatsapp_flows.forms import endpoint_configured
from app.whatsapp_flows.registry import FlowRegistry, RegistryError

router = APIRouter(prefix="/api/flows")

WA_ID = re.compile(r"^[0-9]{8,15}$")
# A file part is named `<photo|document>:<payload key>`: which picker, and where it goes.
FILE_PART = re.compile(r"^(photo|document):([A-Za-z0-9_]{1,80})$")
MAX_FIELDS = 8


@router.get("/{wamid}", name="simulator_flow")
async def opened(
    request: Request, wamid: str, wa_id: str = Query(pattern=WA_ID.pattern)
) -> dict[str, Any]:
    """The Flow that Loket's message `wamid` to this phone opens."""
    runtime, _, _ = sandbox_parts(request)
    return (await flow_of(runtime, wa_id, wamid)).as_json()


@router.post("/{wamid}/complete", name="simulator_flow_complete")
async def complete(request: Request, wamid: str) -> JSONResponse:
    """The resident submitted the Flow: store the picked files, deliver the `nfm_reply`.

    Multipart fields: `wa_id`, `name`, `values` (a JSON object of the payload's non-file values)
    and one part per picked file, named `photo:<key>` or `document:<key>`.
    """
    runtime, _, _ = sandbox_parts(request)
    # A few files too many get the phone's own words; a flood is cut off by the parser (400).
    form = await request.form(max_files=2 * MAX_FLOW_FILES, max_fields=MAX_FIELDS)
    try:
        return await _complete(runtime, wamid, form)
    finally:
        await form.close()


async def _complete(runtime: Runtime, wamid: str, form: FormData) -> JSONResponse:
    wa_id, name = str(form.get("wa_id") or ""), str(form.get("name") or "Warga Simulator")
    if not WA_ID.match(wa_id) or len(name) > 100:
        return _refuse(422, "Nomor harus 8–15 angka.")
    try:
        values = json.loads(str(form.get("values") or "{}"))
    except ValueError:
        values = None
    if not isinstance(values, dict):
        return _refuse(422, "values must be a JSON object")
    opened = await flow_of(runtime, wa_id, wamid)
    files = [
        (m.group(1), m.group(2), item)
        for key, item in form.multi_items()
        if (m := FILE_PART.match(key)) and isinstance(item, UploadFile)
    ]
    if len(files) > MAX_FLOW_FILES:
        return _refuse(422, f"Satu formulir membawa paling banyak {MAX_FLOW_FILES} berkas.")
    if sum(upload.size or 0 for _, _, upload in files) > MAX_FLOW_BYTES:
        return _refuse(413, "Berkas dalam satu formulir paling banyak 100 MB.")
    picked: dict[str, list[dict[str, Any]]] = {}
    for kind, key, upload in files:
        try:
            stored = await run_in_threadpool(
                runtime.sandbox_media.add,  # type: ignore[union-attr]  # sandbox_parts checked it
                upload.file,
                want=WANT_PHOTO if kind == "photo" else WANT_DOCUMENT,
                declared_mime=upload.content_type,
                filename=upload.filename,
            )
        except MediaRefused as refused:
            return _refuse(413 if refused.reason == "too_large" else 422, _why(refused, upload))
        picked.setdefault(key, []).append(payloads.picked_file(stored))
    message = payloads.nfm_reply_message(opened.flow_token, {**values, **picked}, wamid)
    body = payloads.webhook_body(wa_id, name, [message])
    (reply,) = await deliver(runtime, runtime.sandbox, body)  # type: ignore[arg-type]
    return JSONResponse({"wamid": reply})


async def flow_of(runtime: Runtime, wa_id: str, wamid: str) -> OpenedFlow:
    """The Flow Loket's message `wamid` to this phone opens; 404 when there is none."""
    async with runtime.sessionmaker() as session:
        resident = await repository.resident_by_wa_id(session, wa_id)
        sent = None
        if resident is not None:
            sent = await repository.sent_message(session, resident.id, wamid)
    if sent is None:
        raise HTTPException(404, "Loket sent this phone no such message")
    today = datetime.now(runtime.settings.tz).date()
    try:
        registry = FlowRegistry.for_settings(runtime.settings)
        endpoint = endpoint_configured(runtime.settings)
        return open_flow(runtime.catalog, registry, sent.body, today=today, endpoint=endpoint)
    except (FlowNotFound, RegistryError) as exc:
        raise HTTPException(404, str(exc)) from None


def _why(refused: MediaRefused, upload: UploadFile) -> str:
    name = upload.filename or "Berkas"
    if refused.reason == "too_large" and refused.limit:
        return f"{name} terlalu besar: WhatsApp membatasi {refused.limit // (1024 * 1024)} MB."
    return f"{name} kosong."


def _refuse(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"detail": reason}, status_code=status)
