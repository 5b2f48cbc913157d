"""Issuing a request's PDF inside a live Loket (fake Meta), and Meta's status for what was sent."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import Headers, UploadFile

from app.requests.issued import IssueContext, issue_document
from app.requests.issued_models import IssuedDocument
from app.requests.repository import get_by_ticket
from app.runtime import Runtime
from tests.support.loket import Loket
from tests.support.resident import NUMBER


async def issue(loket: Loket, ticket: str, content: bytes) -> IssuedDocument:
    """Upload `content` as the request's issued PDF, as the operator's page does."""
    return await issue_in(loket.runtime, ticket, content)


async def issue_in(runtime: Runtime, ticket: str, content: bytes) -> IssuedDocument:
    """`issue` against any running Loket's runtime (the simulator's, for one)."""
    upload = UploadFile(
        io.BytesIO(content),
        size=len(content),
        filename="surat.pdf",
        headers=Headers({"content-type": "application/pdf"}),
    )
    context = IssueContext(runtime.store, runtime.settings, catalog=runtime.catalog)
    # The locker commits its own short writes, as behind the upload page; the rest commits here.
    async with runtime.sessionmaker() as session:
        request = await get_by_ticket(session, ticket)
        assert request is not None
        issued = await issue_document(
            session,
            context,
            request,
            upload,
            actor="operator:budi",
            ip=None,
            now=datetime.now(UTC),
        )
        await session.commit()
        return issued


def status_webhook(wamid: str, status: str, wa_id: str = "6281200007777") -> dict[str, Any]:
    """Meta's webhook reporting `status` ("delivered", "read", …) for our message `wamid`."""
    entry_status = {
        "id": wamid,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "statuses": [entry_status],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }
