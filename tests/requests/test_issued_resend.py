"""Re-sending the issued PDF on request, only to the number that made the request."""

from __future__ import annotations

from typing import Any

from tests.support.files import pdf
from tests.support.issued_chat import issue
from tests.support.loket import Loket
from tests.support.request_rows import create_request
from tests.support.resident import text_message

OWNER = "6281200007777"
NEIGHBOUR = "6281299990000"


def messages_to(loket: Loket, wa_id: str) -> list[dict[str, Any]]:
    """What was sent to `wa_id`, read receipts left out."""
    return [body for body in loket.graph.accepted_bodies if body.get("to") == f"+{wa_id}"]


async def test_the_same_number_gets_the_document_again(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="ready_for_pickup")
    content = pdf(2)
    issued = await issue(loket, ticket, content)
    await loket.drain()
    await loket.post_webhook(text_message("wamid.IN1", "kirim ulang dokumen KK saya", OWNER))
    await loket.drain()
    first, again = messages_to(loket, OWNER)
    assert first["document"]["id"] == "media.UPLOAD1"
    # Uploaded afresh at send time: a new media id, the same file, name and caption.
    assert again["document"] == {**first["document"], "id": "media.UPLOAD2"}
    assert loket.graph.uploads["media.UPLOAD2"].content == content
    assert issued.code in again["document"]["caption"]


async def test_a_named_ticket_of_another_number_is_refused(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="ready_for_pickup")
    await issue(loket, ticket, pdf(1))
    await create_request(sessionmaker, wa_id=NEIGHBOUR, service="ktp")
    await loket.drain()
    words = f"tolong kirim lagi dokumen {ticket.lower()}"
    await loket.post_webhook(text_message("wamid.IN2", words, NEIGHBOUR))
    await loket.drain()
    assert messages_to(loket, NEIGHBOUR) == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "type": "text",
            "text": {
                "preview_url": False,
                "body": f"Mohon maaf, dokumen permohonan {ticket} hanya bisa kami kirim ke nomor"
                " WhatsApp yang mengajukan permohonan itu.",
            },
            "to": f"+{NEIGHBOUR}",
        }
    ]
    assert list(loket.graph.uploads) == ["media.UPLOAD1"]  # only the owner's first sending


async def test_another_number_without_a_ticket_has_nothing_issued(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="ready_for_pickup")
    await issue(loket, ticket, pdf(1))
    await create_request(sessionmaker, wa_id=NEIGHBOUR, service="ktp", language="en")
    await loket.drain()
    await loket.post_webhook(text_message("wamid.IN3", "send my document again", NEIGHBOUR))
    await loket.drain()
    [answer] = messages_to(loket, NEIGHBOUR)
    assert answer["text"]["body"] == (
        "Sorry, no document has been issued yet for a request from this WhatsApp number."
        " We will send it here as soon as it is issued."
    )


async def test_nothing_issued_yet_is_said_politely(loket: Loket, sessionmaker) -> None:
    await create_request(sessionmaker, service="kk", status="processing")
    await loket.post_webhook(text_message("wamid.IN4", "kirim lagi dokumennya", OWNER))
    await loket.drain()
    [answer] = messages_to(loket, OWNER)
    assert answer["text"]["body"] == (
        "Mohon maaf, belum ada dokumen terbit untuk permohonan dari nomor WhatsApp ini."
        " Kami akan mengirimkannya di sini begitu dokumen Anda terbit."
    )
    assert loket.graph.uploads == {}
