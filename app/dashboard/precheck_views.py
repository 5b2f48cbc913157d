"""What the request page shows of the village pre-check.

The pre-checking village gets the checklist form while the file awaits it; everyone who sees
the request gets the saved result (who, when, each item, problems highlighted) and whether it
was forwarded; the handling office gets a "waiting for the village" badge until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.offices import repository as offices
from app.offices.models import OfficeLevel
from app.operators.service import Viewer
from app.requests import precheck
from app.requests.models import Request
from app.runtime import Runtime


@dataclass(frozen=True)
class PrecheckDraft:
    """What the village typed into a form that was refused, shown again instead of the saved
    answers: per item (result, note), and the general note."""

    items: Mapping[str, tuple[str | None, str | None]]
    note: str | None


def forward_label(level: str | None) -> str:
    """The forward button's text key: to the district, or to the regency above it."""
    if level == OfficeLevel.REGENCY:
        return "precheck_forward_regency"
    return "precheck_forward_district"


async def _form_items(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    saved: precheck.PrecheckResult | None,
    draft: PrecheckDraft | None,
) -> list[dict[str, Any]]:
    """The checklist, pre-filled with the refused draft, else the last saved answers."""
    service = runtime.catalog.services.get(request.service_code)
    if draft is not None:
        before = {key: (result or "", note or "") for key, (result, note) in draft.items.items()}
    else:
        before = {i.key: (i.result, i.note or "") for i in saved.items} if saved else {}
    rows: list[dict[str, Any]] = []
    for item in await precheck.checklist_of(session, service, request):
        result, note = before.get(item.key, ("", ""))
        rows.append({"key": item.key, "label": item.label, "result": result, "note": note})
    return rows


async def precheck_panel(
    session: AsyncSession,
    runtime: Runtime,
    request: Request,
    viewer: Viewer,
    draft: PrecheckDraft | None = None,
) -> dict[str, Any]:
    """The template context for `request_precheck.html`; empty for a request without one."""
    if request.precheck_office_id is None:
        return {}
    village = await offices.get(session, request.precheck_office_id)
    handling = await offices.get(session, request.office_id) if request.office_id else None
    state = await precheck.state_of(session, request)
    awaiting = precheck.awaiting(request)
    editable = awaiting and precheck.may_precheck(viewer.scope, request)
    items = await _form_items(session, runtime, request, state.saved, draft) if editable else []
    saved_note = (state.saved.note or "") if state.saved else ""
    return {
        "precheck": {
            "village": village.name if village else "",
            "editable": editable,
            # Only the village fills the form; anyone else waits for it while it is pending.
            "waiting": awaiting and not editable,
            "checklist": items,
            "saved": state.saved,
            "general_note": (draft.note or "") if draft is not None else saved_note,
            "forwarded": state.forwarded,
            "forward_label": forward_label(handling.level if handling else None),
        }
    }
