"""The issued-document panel of the request page: its code, date, signer, fingerprint and link."""

from __future__ import annotations

from typing import Any

from babel.dates import format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from app.requests.issued import issued_document_for, verification_url
from app.requests.models import Request
from app.runtime import Runtime


async def issued_panel(
    db: AsyncSession, runtime: Runtime, request: Request, lang: str
) -> dict[str, Any]:
    """`issued` (None until a document is issued), its date in the office's time, its page."""
    issued = await issued_document_for(db, request.ticket)
    if issued is None:
        return {"issued": None}
    when = issued.issued_at.astimezone(runtime.settings.tz)
    return {
        "issued": issued,
        "issued_when": format_datetime(when, "d MMM y, HH.mm", locale=lang),
        "issued_url": verification_url(runtime.settings, issued.code),
    }
