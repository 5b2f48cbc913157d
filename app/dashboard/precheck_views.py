"""What the request page shows of the village pre-check."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.api.deps import Viewer
from app.requests.models import Request
from app.runtime import Runtime


async def precheck_panel(
    session: AsyncSession, runtime: Runtime, request: Request, viewer: Viewer
) -> dict[str, Any]:
    """The template context for `request_precheck.html`."""
    return {}
