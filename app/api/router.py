"""The operator JSON API, `/api/v1` (contract §5). Routes stay thin: parse, call, shape.

A request outside the operator's offices answers 404 exactly like one that does not exist, so the
API never tells an operator what other offices are working on.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse

from app.api import documents as document_files
from app.api import presenters
from app.api.deps import (
    RuntimeDep,
    SessionDep,
    ViewerDep,
    conflict,
    forbidden,
    invalid,
    not_found,
)
from app.api.issued import request_with_issued
from app.api.schemas import (
    ErrorOut,
    MessageIn,
    MessageOut,
    RequestOut,
    RequestPageOut,
    ServiceOut,
    StorableText,
    TransitionIn,
)
from app.db import utcnow
from app.deps import writes_on_get
from app.requests import lifecycle, queries
from app.requests.home_delivery import Courier
from app.requests.service import TransitionNotAllowed


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    reasons = {
        400: "the body cannot be read as UTF-8 (a body that is not JSON is 422)",
        401: "no, unknown or revoked bearer token",
        403: "a village that only pre-checks this request cannot move it or write to the resident",
        404: "unknown, or outside the operator's offices",
        409: "the status machine or the conversation does not allow it; `detail` says why",
    }
    return {code: {"model": ErrorOut, "description": reasons[code]} for code in codes}


router = APIRouter(prefix="/api/v1", tags=["operator API"], responses=_errors(401))

PRECHECK_ONLY = "your office only pre-checks this request; the handling office acts on it"

Ticket = Annotated[str, Path(description="a ticket such as KTP-241122-0042")]


@router.get("/services", response_model=list[ServiceOut])
async def list_services(viewer: ViewerDep, runtime: RuntimeDep) -> list[ServiceOut]:
    """The service catalog: names, variants, questions and required documents."""
    return [presenters.service_out(item) for item in runtime.catalog.ordered]


@router.get("/requests", response_model=RequestPageOut)
async def list_requests(
    viewer: ViewerDep,
    session: SessionDep,
    runtime: RuntimeDep,
    status: Annotated[
        StorableText | None,
        Query(max_length=256, description="one or more statuses, separated by commas"),
    ] = None,
    service_code: Annotated[StorableText | None, Query(alias="service", max_length=64)] = None,
    office: Annotated[
        StorableText | None,
        Query(max_length=32, description="an office code; its offices below are included"),
    ] = None,
    resident: Annotated[
        StorableText | None, Query(max_length=256, description="a wa_id or user_id, exactly")
    ] = None,
    q: Annotated[
        StorableText | None,
        Query(max_length=200, description="searches ticket, name, phone and NIK"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[StorableText | None, Query(max_length=200)] = None,
    assigned: Annotated[
        StorableText | None,
        Query(max_length=64, description="me, none (unassigned) or an operator's username"),
    ] = None,
    overdue: Annotated[bool, Query(description="only open requests past their due date")] = False,
) -> RequestPageOut:
    """A page of requests, newest first. `collecting` ones only when asked for by `status`."""
    query = queries.ListQuery(
        status, service_code, office, resident, q, limit, cursor, assigned, overdue
    )
    today = utcnow().astimezone(runtime.settings.tz).date()
    try:
        page = await queries.list_page(
            session,
            runtime.catalog,
            viewer.scope,
            query,
            viewer_id=viewer.operator.id,
            today=today,
        )
    except queries.InvalidQuery as exc:
        invalid(("query", exc.parameter), str(exc))
    return presenters.request_page(page)


@router.get("/requests/{ticket}", response_model=RequestOut, responses=_errors(404))
async def get_request(ticket: Ticket, viewer: ViewerDep, session: SessionDep) -> RequestOut:
    """One request with its documents and history."""
    found = await queries.find_request(session, viewer.scope, ticket)
    if found is None:
        not_found("request")
    return await request_with_issued(session, *found)


@router.post(
    "/requests/{ticket}/transitions",
    response_model=RequestOut,
    responses=_errors(400, 403, 404, 409),
)
async def transition_request(
    ticket: Ticket, body: TransitionIn, viewer: ViewerDep, session: SessionDep, runtime: RuntimeDep
) -> RequestOut:
    """Move the request to `to` and send the resident the matching message."""
    found = await queries.find_request(session, viewer.scope, ticket, for_update=True)
    if found is None:
        not_found("request")
    request, resident = found
    if not queries.handles(viewer.scope, request):
        forbidden(PRECHECK_ONLY)
    try:
        await lifecycle.apply_transition(
            session,
            catalog=runtime.catalog,
            settings=runtime.settings,
            request=request,
            to=body.to,
            actor=viewer.actor,
            note=body.note,
            documents=list(body.documents),
            fields=list(body.fields),
            pickup_place=body.pickup.place if body.pickup else None,
            pickup_hours=body.pickup.hours if body.pickup else None,
            code=body.code,
            courier=Courier.of(body.courier.name, body.courier.tracking) if body.courier else None,
            now=utcnow(),
            collected_by=body.collected_by,
        )
    except (TransitionNotAllowed, lifecycle.PickupCodeMismatch) as exc:
        conflict(str(exc))
    except lifecycle.InvalidTransitionInput as exc:
        invalid(("body",), str(exc))
    return await request_with_issued(session, request, resident)


@router.post(
    "/requests/{ticket}/messages", response_model=MessageOut, responses=_errors(400, 403, 404, 409)
)
async def message_resident(
    ticket: Ticket, body: MessageIn, viewer: ViewerDep, session: SessionDep, runtime: RuntimeDep
) -> MessageOut:
    """A free-text reply to the resident, inside the 24-hour window (409 outside it)."""
    found = await queries.find_request(session, viewer.scope, ticket)
    if found is None:
        not_found("request")
    if not queries.handles(viewer.scope, found[0]):
        forbidden(PRECHECK_ONLY)
    try:
        outcome = await lifecycle.send_operator_reply(
            session,
            settings=runtime.settings,
            request=found[0],
            actor=viewer.actor,
            text_body=body.text,
            now=utcnow(),
        )
    except lifecycle.WindowClosed:
        conflict("outside the 24-hour window: a template is needed")
    return MessageOut.model_validate({"ticket": ticket, "outcome": outcome})


@router.get(
    "/documents/{document_id}/content",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "the stored file, with its content type",
            "content": {kind: {} for kind in document_files.CONTENT_TYPES},
        },
        **_errors(404),
    },
)
@writes_on_get  # the download is audited in the route's session
async def download_document(
    document_id: int, viewer: ViewerDep, session: SessionDep, runtime: RuntimeDep
) -> StreamingResponse:
    """The file, streamed; every download is written to the audit log."""
    return await document_files.stream(session, runtime.store, viewer, document_id)
