"""The issued PDF in the resident's chat: a document inside the window, a template with a
DOCUMENT header outside it, uploaded to Meta at send time; Meta's "delivered" completes."""

from __future__ import annotations

from sqlalchemy import delete, select

from app.db import unit_of_work
from app.locker import DocumentAccess
from app.outbox.models import OutboundMessage
from app.requests.issued_models import IssuedDocument
from app.requests.models import RequestEvent
from app.requests.status import RequestStatus as S
from tests.support.files import pdf
from tests.support.issued_chat import issue, status_webhook
from tests.support.lifecycle import OUTSIDE, sent
from tests.support.loket import Loket
from tests.support.request_rows import create_request, load

TO = "+6281200007777"


async def test_inside_the_window_the_pdf_goes_as_a_document(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="processing")
    content = pdf(1)
    issued = await issue(loket, ticket, content)
    await loket.drain()
    [upload] = loket.graph.uploads.values()
    assert (upload.media_id, upload.filename, upload.mime_type, upload.content) == (
        "media.UPLOAD1",
        f"{ticket}.pdf",
        "application/pdf",
        content,
    )
    assert sent(loket) == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "type": "document",
            "document": {
                "caption": f"Dokumen Kartu Keluarga (KK) Anda (permohonan {ticket}) sudah terbit"
                f" dan ditandatangani secara elektronik. Kode verifikasi: {issued.code}.",
                "filename": f"{ticket}.pdf",
                "id": "media.UPLOAD1",
            },
            "to": TO,
        }
    ]
    # Reading the file for Meta is an audited locker read, like every other.
    async with sessionmaker() as session:
        reads = await session.execute(
            select(DocumentAccess.document_id, DocumentAccess.actor, DocumentAccess.reason)
        )
        assert list(reads) == [(issued.document_id, "system:outbox", "issued")]


async def test_an_english_resident_gets_an_english_caption(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="processing", language="en")
    issued = await issue(loket, ticket, pdf(1))
    await loket.drain()
    [message] = sent(loket)
    assert message["document"]["caption"] == (
        f"Your Family card (KK) (request {ticket}) has been issued and electronically signed."
        f" Verification code: {issued.code}."
    )


async def test_outside_the_window_a_template_carries_the_pdf(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(
        sessionmaker, service="kk", status="processing", last_inbound=OUTSIDE
    )
    issued = await issue(loket, ticket, pdf(2))
    await loket.drain()
    assert list(loket.graph.uploads) == ["media.UPLOAD1"]
    assert sent(loket) == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "type": "template",
            "template": {
                "name": "loket_dokumen_terbit",
                "language": {"code": "id"},
                "components": [
                    {
                        "type": "header",
                        "parameters": [
                            {
                                "type": "document",
                                "document": {"filename": f"{ticket}.pdf", "id": "media.UPLOAD1"},
                            }
                        ],
                    },
                    {
                        "type": "body",
                        "parameters": [
                            {"type": "text", "text": "Kartu Keluarga (KK)"},
                            {"type": "text", "text": ticket},
                            {"type": "text", "text": issued.code},
                        ],
                    },
                ],
            },
            "to": TO,
        }
    ]


async def test_delivered_completes_a_request_ready_for_pickup(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="ready_for_pickup")
    await issue(loket, ticket, pdf(1))
    await loket.drain()
    wamid = "wamid.FAKE1"
    assert (await loket.post_webhook(status_webhook(wamid, "sent"))).status_code == 200
    await loket.drain()
    assert (await load(sessionmaker, ticket)).status == S.READY_FOR_PICKUP
    assert (await loket.post_webhook(status_webhook(wamid, "delivered"))).status_code == 200
    await loket.drain()
    request = await load(sessionmaker, ticket)
    assert request.status == S.COMPLETED
    # The completion is told like any other, right after the document (the survey follows).
    assert sent(loket)[1]["text"]["body"] == (
        f"Permohonan {ticket} (Kartu Keluarga (KK)) selesai. Terima kasih telah menggunakan"
        " layanan kami."
    )


async def test_read_without_delivered_completes_too(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="out_for_delivery")
    await issue(loket, ticket, pdf(1))
    await loket.drain()
    await loket.post_webhook(status_webhook("wamid.FAKE1", "read"))
    await loket.drain()
    assert (await load(sessionmaker, ticket)).status == S.COMPLETED


async def test_a_digital_request_completes_from_processing_when_the_pdf_arrives(
    loket: Loket, sessionmaker
) -> None:
    """The resident chose the PDF in the chat: its arrival is the handover, zero trips."""
    _, ticket = await create_request(
        sessionmaker, service="kk", status="processing", delivery="digital"
    )
    await issue(loket, ticket, pdf(1))
    await loket.drain()
    await loket.post_webhook(status_webhook("wamid.FAKE1", "delivered"))
    await loket.drain()
    request = await load(sessionmaker, ticket)
    assert request.status == S.COMPLETED
    async with sessionmaker() as session:
        [event] = (
            await session.execute(
                select(RequestEvent).where(
                    RequestEvent.request_id == request.id, RequestEvent.to_status == "completed"
                )
            )
        ).scalars()
    assert (event.from_status, event.actor, event.data) == (
        "processing",
        "system:whatsapp",
        {"delivery": "digital"},
    )


async def test_delivered_while_processing_leaves_a_pickup_request_to_the_office(
    loket: Loket, sessionmaker
) -> None:
    """A pickup request has no `processing -> completed`: the request stays as it is."""
    _, ticket = await create_request(sessionmaker, service="kk", status="processing")
    await issue(loket, ticket, pdf(1))
    await loket.drain()
    await loket.post_webhook(status_webhook("wamid.FAKE1", "delivered"))
    await loket.drain()
    assert (await load(sessionmaker, ticket)).status == S.PROCESSING


async def test_delivered_for_another_message_completes_nothing(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="ready_for_pickup")
    await loket.post_webhook(status_webhook("wamid.UNKNOWN", "delivered"))
    await loket.drain()
    assert (await load(sessionmaker, ticket)).status == S.READY_FOR_PICKUP


async def test_a_document_whose_file_is_gone_is_given_up(loket: Loket, sessionmaker) -> None:
    """Replaced or deleted before it went out: nothing to upload, no retrying for hours."""
    _, ticket = await create_request(sessionmaker, service="kk", status="processing")
    issued = await issue(loket, ticket, pdf(1))
    async with unit_of_work(sessionmaker) as session:
        await session.execute(delete(IssuedDocument).where(IssuedDocument.id == issued.id))
    await loket.drain()
    assert (loket.graph.uploads, sent(loket)) == ({}, [])
    async with sessionmaker() as session:
        [row] = (await session.scalars(select(OutboundMessage))).all()
    assert (row.state, row.last_error_code) == ("given_up", 100)
    assert row.last_error is not None and "attachment gone" in row.last_error
