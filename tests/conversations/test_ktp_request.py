"""A full KTP-el "hilang" request through signed webhooks, photos included, to `submitted`."""

from __future__ import annotations

import io
import itertools
import random
import time
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.intake.models import MediaJob
from app.locker.models import Document
from app.requests.models import Request, RequestDocument, RequestEvent
from tests.conversations.conftest import Loket
from tests.conversations.test_live_mode import NUMBER

WA_ID = "6281234500001"
_ids = itertools.count(1)


def sharp_photo(seed: int) -> bytes:
    """A 640×480 JPEG with crisp text-like strokes, like a clear photo of a paper."""
    rng = random.Random(seed)
    image = Image.new("RGB", (640, 480), (235, 235, 225))
    draw = ImageDraw.Draw(image)
    for row in range(20, 460, 22):
        x = 20
        while x < 600:
            width = rng.randint(8, 40)
            draw.rectangle([x, row, x + width, row + 10], fill=(20, 20, 30))
            x += width + rng.randint(6, 14)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _envelope(message: dict[str, Any]) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": WA_ID}],
        "messages": [
            {
                "from": WA_ID,
                "id": f"wamid.KTP{next(_ids)}",
                "timestamp": str(int(time.time())),
                **message,
            }
        ],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "waba", "changes": [{"field": "messages", "value": value}]}],
    }


class Resident:
    """Plays the resident: sends a message, lets the workers run, returns Loket's replies."""

    def __init__(self, loket: Loket) -> None:
        self.loket = loket
        self.seen = 0

    async def send(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        response = await self.loket.post_webhook(_envelope(message))
        assert response.status_code == 200
        await self.loket.drain()
        return self.unread()

    def unread(self) -> list[dict[str, Any]]:
        """What Loket sent since the resident last looked (read receipts left out)."""
        replies = [
            r.json
            for r in self.loket.graph.message_requests[self.seen :]
            if r.json.get("status") != "read"
        ]
        self.seen = len(self.loket.graph.message_requests)
        return replies

    async def text(self, body: str) -> list[dict[str, Any]]:
        return await self.send({"type": "text", "text": {"body": body}})

    async def tap(self, replies: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
        """Tap the button or list row titled `title` in the last interactive reply."""
        interactive = [r["interactive"] for r in replies if r["type"] == "interactive"][-1]
        if interactive["type"] == "button":
            options = [b["reply"] for b in interactive["action"]["buttons"]]
        else:
            options = [row for s in interactive["action"]["sections"] for row in s["rows"]]
        chosen = next(o for o in options if o["title"] == title)
        kind = "button_reply" if interactive["type"] == "button" else "list_reply"
        return await self.send({"type": "interactive", "interactive": {"type": kind, kind: chosen}})

    async def photo(self, media_id: str, content: bytes) -> list[dict[str, Any]]:
        self.loket.graph.add_media(media_id, content, mime_type="image/jpeg", sha256_as="base64")
        return await self.send(
            {"type": "image", "image": {"id": media_id, "mime_type": "image/jpeg"}}
        )


def texts(replies: list[dict[str, Any]]) -> str:
    parts = []
    for r in replies:
        if r["type"] == "text":
            parts.append(r["text"]["body"])
        elif r["type"] == "interactive":
            parts.append(r["interactive"]["body"]["text"])
    return "\n".join(parts)


async def test_ktp_hilang_from_first_message_to_ticket(loket: Loket, sessionmaker) -> None:
    """'ktp sy ilang min' ends, a few messages later, in a submitted request with its photos."""
    siti = Resident(loket)
    assert "NIK" in texts(await siti.text("ktp sy ilang min"))
    assert "nama lengkap" in texts(await siti.text("3201 0145 0890 0003"))
    assert "Tanggal lahir" in texts(await siti.text("Siti Aminah"))
    replies = await siti.text("5-8-1990")
    assert "Jenis kelamin" in texts(replies)
    assert "nomor KK" in texts(await siti.tap(replies, "Perempuan"))
    assert "alamat" in texts(await siti.text("3201012208150007"))
    assert "foto Kartu Keluarga" in texts(await siti.text("Jl. Melati 3 RT 01 RW 02, Sukamaju"))

    replies = await siti.photo("media-kk-1", sharp_photo(1))
    assert "Kami terima 1 foto untuk Kartu Keluarga. ✅" in texts(replies)
    replies = await siti.tap(replies, "Sudah semua")
    assert "kehilangan" in texts(replies).lower()
    replies = await siti.photo("media-hilang-1", sharp_photo(2))
    replies = await siti.tap(replies, "Sudah semua")
    summary = texts(replies)
    assert "Siti Aminah" in summary
    # The summary stays in the chat: identity numbers show only their ends.
    assert "• NIK: 3201••••••••0003\n" in summary and "3201014508900003" not in summary
    assert "• Nomor KK: 3201••••••••0007\n" in summary and "3201012208150007" not in summary
    replies = await siti.tap(replies, "Ya, kirim")

    async with sessionmaker() as session:
        request = (await session.execute(select(Request))).scalar_one()
        assert request.service_code == "ktp"
        assert request.variant == "hilang"
        assert request.status == "submitted"
        assert request.fields["nik"] == "3201014508900003"
        assert request.fields["nama"] == "Siti Aminah"
        assert request.ticket.startswith("KTP-") and request.ticket.endswith("-0001")
        links = (await session.execute(select(RequestDocument))).scalars().all()
        assert sorted(link.requirement for link in links) == ["kk", "surat_kehilangan"]
        documents = (await session.execute(select(Document))).scalars().all()
        assert {d.status for d in documents} == {"accepted"}
        assert {d.request_ref for d in documents} == {request.ticket}
        history = (await session.execute(select(RequestEvent))).scalars().all()
        assert [(h.actor, h.to_status) for h in history] == [("resident", "submitted")]
        jobs = (await session.execute(select(MediaJob))).scalars().all()
        assert {j.state for j in jobs} == {"done"}
    confirmation = texts(replies)
    assert request.ticket in confirmation
    # The two photos were fetched from Meta with the token, once each.
    downloads = [r for r in loket.graph.requests if r.route == "media_download"]
    assert len(downloads) == 2


async def test_a_blurred_photo_is_refused_at_intake_with_the_reason(loket: Loket) -> None:
    """The resident hears at once that the photo is blurred, and is asked to send it again."""
    from PIL import ImageFilter

    siti = Resident(loket)
    for message in ["ktp sy ilang min", "3201014508900003", "Siti Aminah", "5-8-1990"]:
        replies = await siti.text(message)
    await siti.tap(replies, "Perempuan")
    await siti.text("3201012208150007")
    await siti.text("Jl. Melati 3")
    blurred = Image.open(io.BytesIO(sharp_photo(3))).filter(ImageFilter.GaussianBlur(8))
    buffer = io.BytesIO()
    blurred.save(buffer, "JPEG")
    replies = await siti.photo("media-blur", buffer.getvalue())
    message = texts(replies).lower()
    assert "buram" in message or "kurang jelas" in message
