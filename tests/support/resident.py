"""The resident's side of the end-to-end tests: signed webhook messages in, Loket's replies out."""

from __future__ import annotations

import io
import itertools
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select

from app.conversations.models import Conversation
from app.conversations.reminders import queue_timeouts
from app.db import unit_of_work
from tests.support.loket import Loket

NUMBER = "106540352242922"


def text_message(wamid: str, body: str, wa_id: str = "6281234567890") -> dict[str, Any]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "waba",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": NUMBER,
                            },
                            "contacts": [{"profile": {"name": "Siti"}, "wa_id": wa_id}],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": wamid,
                                    "timestamp": str(int(time.time())),
                                    "type": "text",
                                    "text": {"body": body},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


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


READING_SECONDS = 10  # between two of the resident's messages


def _envelope(message: dict[str, Any], sent_at: int | None = None) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "contacts": [{"profile": {"name": "Siti"}, "wa_id": WA_ID}],
        "messages": [
            {
                "from": WA_ID,
                "id": f"wamid.KTP{next(_ids)}",
                "timestamp": str(sent_at if sent_at is not None else int(time.time())),
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
        # Meta's timestamps, in seconds: a resident reads each reply before answering, so two
        # photos sent one after the other are never an album (those come a second apart).
        self.sent_at = int(time.time()) - 600

    async def send(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        self.sent_at += READING_SECONDS
        response = await self.loket.post_webhook(_envelope(message, self.sent_at))
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

    async def stay_silent(self) -> list[dict[str, Any]]:
        """Say nothing until the conversation's deadline ("Ada foto lain?": a minute) passes.

        The deadline is moved into the past (row and snapshot) instead of waiting for it; the
        reminder scan then queues the timeout, as it would once the time had come."""
        sessionmaker = self.loket.runtime.sessionmaker
        passed = datetime.now(UTC) - timedelta(seconds=1)
        async with unit_of_work(sessionmaker) as session:
            conversation = (await session.execute(select(Conversation))).scalar_one()
            assert conversation.wait_expires_at is not None, "the bot is not waiting"
            conversation.wait_expires_at = passed
            conversation.snapshot = {**conversation.snapshot, "deadline": passed.isoformat()}
        assert await queue_timeouts(sessionmaker, datetime.now(UTC)) == 1
        await self.loket.drain()
        return self.unread()

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
