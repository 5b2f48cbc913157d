"""What the request page shows of the village pre-check.

The pre-checking village gets the checklist form while the file awaits it; everyone who sees
the request gets the saved result (who, when, each item, problems highlighted) and whether it
was forwarded; the handling office gets a "waiting for the village" badge until then.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import Viewer
from app.offices import repository as offices
from app.offices.models import OfficeLevel
from app.requests import precheck
from app.requests.models import Request
from app.runtime import Runtime


def forward_label(level: str | None) -> str:
    """The forward button's text key: to the district, or to the regency above it."""
    if level == OfficeLevel.REGENCY:
        return "precheck_forward_regency"
    return "precheck_forward_district"


async def _form_items(
    session: AsyncSession, runtime: Runtime, request: Request, saved: precheck.PrecheckResult | None
) -> list[dict[str, Any]]:
    """The checklist, pre-filled with the last saved answers so a re-save starts from them."""
    service = runtime.catalog.services.get(request.service_code)
    before = {item.key: item for item in saved.items} if saved else {}
    rows: list[dict[str, Any]] = []
    for item in await precheck.checklist_of(session, service, request):
        prior = before.get(item.key)
        rows.append(
            {
                "key": item.key,
                "label": item.label,
                "result": prior.result if prior else "",
                "note": (prior.note or "") if prior else "",
            }
        )
    return rows


async def precheck_panel(
    session: AsyncSession, runtime: Runtime, request: Request, viewer: Viewer
) -> dict[str, Any]:
    """The template context for `request_precheck.html`; empty for a request without one."""
    if request.precheck_office_id is None:
        return {}
    village = await offices.get(session, request.precheck_office_id)
    handling = await offices.get(session, request.office_id) if request.office_id else None
    state = await precheck.state_of(session, request)
    awaiting = precheck.awaiting(request)
    editable = awaiting and precheck.may_precheck(viewer.scope, request)
    items = await _form_items(session, runtime, request, state.saved) if editable else []
    return {
        "precheck": {
            "village": village.name if village else "",
            "editable": editable,
            # Only the village fills the form; anyone else waits for it while it is pending.
            "waiting": awaiting and not editable,
            "checklist": items,
            "saved": state.saved,
            "general_note": (state.saved.note or "") if state.saved else "",
            "forwarded": state.forwarded,
            "forward_label": forward_label(handling.level if handling else None),
        }
    }
