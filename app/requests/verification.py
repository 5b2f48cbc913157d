"""What the public verification page may say about an issued document, and nothing more.

Given a code it answers: issued by this office or not, for which service, when, the file's
SHA-256 and the holder's masked name. Every lookup of a known code is counted on its record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.flows.catalog import Catalog
from app.offices.models import Office
from app.requests.issued import normalize_code
from app.requests.issued_models import IssuedDocument
from app.requests.masking import mask_name
from app.requests.models import Request
from app.residents.models import Resident

NAME_FIELD = "nama"


@dataclass(frozen=True)
class VerifiedDocument:
    """The public facts about one issued document."""

    code: str
    service: str  # the service's name in the page's language
    office: str | None
    issued_at: datetime
    sha256: str
    holder: str  # masked: "S*** A*****"

    def matches(self, content: bytes) -> bool:
        """True when `content` is exactly the issued file."""
        return hashlib.sha256(content).hexdigest() == self.sha256


def _service_name(catalog: Catalog, code: str, language: str) -> str:
    try:
        return catalog.get(code).names.get(language)
    except KeyError:
        return code


async def look_up(
    session: AsyncSession, catalog: Catalog, typed: str, language: str
) -> VerifiedDocument | None:
    """The issued document with this code (counted), or None for a malformed or unknown code."""
    code = normalize_code(typed)
    if code is None:
        return None
    row = (
        await session.execute(
            select(IssuedDocument, Request, Resident, Office)
            .join(Request, Request.id == IssuedDocument.request_id)
            .join(Resident, Resident.id == Request.resident_id)
            .outerjoin(Office, Office.id == Request.office_id)
            .where(IssuedDocument.code == code)
        )
    ).one_or_none()
    if row is None:
        return None
    issued, request, resident, office = row
    await session.execute(
        update(IssuedDocument)
        .where(IssuedDocument.id == issued.id)
        .values(lookups=IssuedDocument.lookups + 1)
    )
    holder = str((request.fields or {}).get(NAME_FIELD) or resident.name or "").strip()
    return VerifiedDocument(
        code=code,
        service=_service_name(catalog, request.service_code, language),
        office=office.name if office is not None else None,
        issued_at=issued.issued_at,
        sha256=issued.sha256,
        holder=mask_name(holder),
    )
