"""The village pre-check: checklist, notes and forwarding to the handling office.

Both forms post from the request page. The domain (`app.requests.precheck`) checks who may do
what and writes nothing when it refuses; a refusal re-renders the request page with the reason,
success redirects back to it (PRG).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from app.dashboard.deps import DbDep, FormRefused, RuntimeDep, client_ip
from app.dashboard.precheck_views import PrecheckDraft
from app.dashboard.router import PostedDep
from app.db import utcnow
from app.requests import precheck
from app.requests.precheck import PrecheckError

router = APIRouter()

RESULT_FIELD = "result:"
NOTE_FIELD = "note:"
# Bad input is 422; a request that is not (or no longer) in this state is 409; the handling
# office trying to pre-check for the village is 403.
STATUS_OF_ERROR = {
    "forbidden": 403,
    "none": 409,
    "forwarded": 409,
    "closed": 409,
    "not_saved": 409,
    "incomplete": 422,
    "unknown_item": 422,
    "problem_note": 422,
    "bad_note": 422,
}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def checked_items(form: FormData) -> dict[str, tuple[str, str | None]]:
    """The posted verdicts by checklist key: `result:<key>` with its `note:<key>`."""
    items: dict[str, tuple[str, str | None]] = {}
    for name in form:
        if name.startswith(RESULT_FIELD):
            key = name.removeprefix(RESULT_FIELD)
            items[key] = (_text(form, name), _text(form, NOTE_FIELD + key))
    return items


def _refused(exc: PrecheckError, draft: PrecheckDraft | None = None) -> FormRefused:
    """The reason on the request page, with what the village typed if there was a form."""
    return FormRefused(
        f"precheck_err_{exc.code}",
        form="precheck-form" if draft is not None else "precheck-forward",
        status_code=STATUS_OF_ERROR[exc.code],
        kept=draft,
    )


@router.post("/requests/{ticket}/precheck")
async def save_precheck(posted: PostedDep, db: DbDep, runtime: RuntimeDep) -> Response:
    """Save the village's checklist: every item OK or a problem with a note, and a general note."""
    target = posted.row
    items, note = checked_items(posted.form), _text(posted.form, "note")
    try:
        await precheck.save_precheck(
            db,
            target,
            service=runtime.catalog.services.get(target.service_code),
            scope=posted.viewer.scope,
            actor=posted.viewer.actor,
            items=items,
            note=note,
            now=utcnow(),
        )
    except PrecheckError as exc:
        raise _refused(exc, PrecheckDraft(items, note)) from None
    return posted.done("prechecked")


@router.post("/requests/{ticket}/forward")
async def forward_precheck(request: Request, posted: PostedDep, db: DbDep) -> Response:
    """Forward the saved pre-check to the handling office (once)."""
    try:
        await precheck.forward(
            db,
            posted.row,
            scope=posted.viewer.scope,
            actor=posted.viewer.actor,
            now=utcnow(),
            ip=client_ip(request),
        )
    except PrecheckError as exc:
        raise _refused(exc) from None
    return posted.done("forwarded")
