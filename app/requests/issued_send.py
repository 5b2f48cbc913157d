"""The issued PDF in the resident's chat: sent once issued, again on request, and completion.

`send_issued` writes the message through `app.outbox.delivery` in the caller's transaction, so it
exists exactly when the committed upload does: inside the 24-hour window a WhatsApp document with
a short caption, outside it the `loket_dokumen_terbit` template with the PDF as its DOCUMENT
header. The file itself is uploaded to Meta by the outbox worker at send time
(`app.requests.issued_files.IssuedAttachments` reads it, audited). When Meta reports that
message delivered, `complete_on_delivery` completes the request through `apply_transition`.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.config import Settings
from app.flows.catalog import Catalog
from app.notifications.catalog import text
from app.outbox import delivery
from app.outbox.models import DeliveryStatus
from app.outbox.repository import find_by_wamid
from app.requests import lifecycle
from app.requests.issued_models import IssuedDocument
from app.requests.models import Request
from app.requests.service import transition_error_for
from app.requests.status import RequestStatus
from app.residents.models import Resident

log = structlog.get_logger(__name__)

TEMPLATE = "loket_dokumen_terbit"
ORIGIN = "issued"
REFERENCE_PREFIX = "issued:"
DELIVERY_ACTOR = "system:whatsapp"
# Meta may skip "delivered" and report "read" at once (reference §2): both mean it arrived.
ARRIVED = frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.READ, DeliveryStatus.PLAYED})
# The statuses whose completion asks for the one-time handover code (pickup or courier).
HANDOVERS = frozenset({RequestStatus.READY_FOR_PICKUP, RequestStatus.OUT_FOR_DELIVERY})


def filename_for(request: Request) -> str:
    """The file name the resident sees: the ticket, which starts with the service's code
    (`KK-261203-0007.pdf`)."""
    return f"{request.ticket}.pdf"


def service_name(catalog: Catalog | None, request: Request, language: str) -> str:
    """The service's name in the resident's language (its code when the catalog lacks it)."""
    service = catalog.services.get(request.service_code) if catalog is not None else None
    return service.names.get(language) if service else request.service_code


async def send_issued(
    session: AsyncSession,
    *,
    settings: Settings,
    catalog: Catalog | None,
    request: Request,
    issued: IssuedDocument,
    now: datetime,
) -> delivery.Outcome | None:
    """Queue the issued PDF for the request's resident; None when the resident is gone."""
    resident = await session.get(Resident, request.resident_id)
    if resident is None:
        return None
    language = resident.language
    values = {
        "service": service_name(catalog, request, language),
        "ticket": request.ticket,
        "code": issued.code,
    }
    reference = f"{REFERENCE_PREFIX}{issued.id}"
    filename = filename_for(request)
    body = messages.document_pending(
        reference, caption=text("issued_caption", language, **values), filename=filename
    )
    header = {"attachment": reference, "filename": filename}
    return await delivery.deliver(
        session,
        settings=settings,
        resident=resident,
        bodies=[body],
        ticket=request.ticket,
        now=now,
        origin=ORIGIN,
        template=(TEMPLATE, {**values, **header}),
    )


def issued_id_of(reference: str) -> int | None:
    """The issued document's id in an attachment reference (`issued:<id>`), or None."""
    number = reference.removeprefix(REFERENCE_PREFIX)
    return int(number) if reference.startswith(REFERENCE_PREFIX) and number.isdigit() else None


async def complete_on_delivery(
    session: AsyncSession,
    *,
    catalog: Catalog,
    settings: Settings,
    wamid: str,
    status: str,
    now: datetime,
) -> bool:
    """Meta reports `wamid` arrived: when it carried an issued PDF, complete its request.

    True when the request moved. The status machine allows `completed` only from
    `ready_for_pickup` and `out_for_delivery`; from any other status (a PDF sent while the
    request is still `processing`) the request stays where it is and the delivery is logged,
    for the office to close.
    """
    if status not in ARRIVED:
        return False
    message = await find_by_wamid(session, wamid)
    reference = message.body.get(messages.ATTACHMENT_KEY) if message is not None else None
    issued_id = issued_id_of(reference) if isinstance(reference, str) else None
    if issued_id is None:
        return False
    issued = await session.get(IssuedDocument, issued_id)
    request = await session.get(Request, issued.request_id) if issued is not None else None
    if request is None:
        return False
    if transition_error_for(request, RequestStatus.COMPLETED) is not None:
        log.info("issued document delivered", ticket=request.ticket, status=request.status)
        return False
    await lifecycle.apply_transition(
        session,
        catalog=catalog,
        settings=settings,
        request=request,
        to=RequestStatus.COMPLETED,
        actor=DELIVERY_ACTOR,
        note=None,
        now=now,
        # The one-time code guards a handover at the counter or the door; the PDF reached the
        # resident's own number, so no code is asked (the audit records the completion without one).
        override_code=request.status in HANDOVERS,
    )
    return True
