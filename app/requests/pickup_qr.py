"""The pickup code as a QR image in the chat, for the counter to scan from the dashboard.

With the `ready_for_pickup` message `send_qr` queues an image whose picture is made by the outbox
worker when it is sent (`PickupQrImages`, a segno PNG). The QR encodes `LOKET1:<ticket>:<code>`:
the dashboard's scanner reads it and fills the ticket and the code (`parse_payload`).

The code's plaintext is not kept on the request (only its hash). It exists, like in the text of
the same message, only inside the outbox row that carries it to Meta (in the attachment
reference); retention redacts outbox bodies with the rest of the chat, and the PNG is never
stored: it is drawn again for every attempt.

Inside the 24-hour window the image follows the text at once. Outside it the status template
goes alone (a template cannot carry our image) and the image is *held*: it goes out when the
resident next writes, with no second "message waiting" template. Leaving `ready_for_pickup`
(completed, re-sent with a new code, cancelled) withdraws an image still waiting (`withdraw`),
so a stale code is never sent.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import segno
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot import messages
from app.config import Settings
from app.notifications.catalog import text
from app.outbox import followups
from app.outbox.attachments import Attachment, AttachmentGone
from app.outbox.delivery import Outcome
from app.residents.models import Resident

PAYLOAD_PREFIX = "LOKET1"
REFERENCE_PREFIX = "pickup_qr:"
ORIGIN_PREFIX = "pickup_qr:"
_PAYLOAD = re.compile(r"^LOKET1:([A-Z0-9-]{1,40}):(\d{6})$")
# Pixels per module: a version-2 code becomes a 290-pixel PNG, sharp on any phone.
SCALE = 10


def payload(ticket: str, code: str) -> str:
    """What the QR code says: `LOKET1:KK-261203-0007:123456`."""
    return f"{PAYLOAD_PREFIX}:{ticket}:{code}"


def parse_payload(value: str) -> tuple[str, str] | None:
    """The (ticket, code) a scanned QR names, or None for anything else."""
    found = _PAYLOAD.match(value.strip())
    return (found.group(1), found.group(2)) if found else None


def png(value: str) -> bytes:
    """The QR code of `value` as a PNG (error correction M: still readable when a little
    smudged or glared on a cracked phone screen)."""
    buffer = io.BytesIO()
    segno.make(value, error="m", micro=False).save(buffer, kind="png", scale=SCALE, border=4)
    return buffer.getvalue()


def origin_of(ticket: str) -> str:
    """The outbox origin of a request's QR image (how `withdraw` finds it)."""
    return f"{ORIGIN_PREFIX}{ticket}"


async def send_qr(
    session: AsyncSession,
    *,
    settings: Settings,
    resident: Resident,
    ticket: str,
    code: str,
    now: datetime,
) -> Outcome:
    """Queue the QR image after the ready message: "sent" inside the window, "held" outside."""
    caption = text("pickup_qr_caption", resident.language, ticket=ticket)
    body = messages.image_pending(f"{REFERENCE_PREFIX}{payload(ticket, code)}", caption=caption)
    return await followups.follow(
        session,
        settings=settings,
        resident=resident,
        bodies=[body],
        origin=origin_of(ticket),
        now=now,
    )


async def withdraw(session: AsyncSession, *, resident_id: int, ticket: str) -> None:
    """The request left `ready_for_pickup`: a QR image not yet sent no longer goes."""
    await followups.withdraw(session, resident_id=resident_id, origin=origin_of(ticket))


class PickupQrImages:
    """Draws the QR image of a `pickup_qr:` reference for the outbox worker (an
    `app.outbox.attachments.AttachmentSource`); nothing is read or stored."""

    async def read(self, reference: str) -> Attachment:
        value = reference.removeprefix(REFERENCE_PREFIX)
        if not reference.startswith(REFERENCE_PREFIX) or parse_payload(value) is None:
            raise AttachmentGone(reference)
        return Attachment(png(value), "image/png")
