"""The sandbox sink: where replies go when there is no Meta account (no WHATSAPP_ACCESS_TOKEN).

It implements `MessageSender` in process memory. The outbox worker sends to it exactly as it would
to Meta and stores the wamid it answers, as it stores Meta's (a button reply names it in
`context.id`). Nothing is persisted here: the outbox rows are the record of what was sent, and
the simulator rebuilds each phone's chat from them; `wait_for` only wakes a phone waiting for news.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.bot import messages
from app.bot.errors import GraphError
from app.bot.sender import SendResult
from app.db import utcnow

KIND_MESSAGE = "message"
KIND_READ = "read"
KIND_TYPING = "typing"
# Inbound wamids remembered so a read receipt can be shown on the right phone.
_MAX_INBOUND_REMEMBERED = 10_000
# Outbound wamids whose arrival on a phone the simulator already reported.
_MAX_ARRIVALS_REMEMBERED = 10_000


@dataclass(frozen=True)
class SandboxRecord:
    """One body the sink received. `index` grows by one per record across all addresses."""

    index: int
    address: str
    kind: str
    body: dict[str, Any]
    wamid: str | None
    at: datetime


class SandboxSink:
    """In-process `MessageSender` that records bodies per resident address for the simulator."""

    def __init__(
        self, *, keep_per_address: int = 200, clock: Callable[[], datetime] = utcnow
    ) -> None:
        if keep_per_address < 1:
            raise ValueError("keep_per_address must be at least 1")
        self._keep = keep_per_address
        self._clock = clock
        self._by_address: dict[str, deque[SandboxRecord]] = {}
        self._inbound_owner: OrderedDict[str, str] = OrderedDict()
        self._arrived: OrderedDict[str, None] = OrderedDict()
        self._last_index = 0
        self._changed = asyncio.Condition()
        # Files "uploaded" to send as documents (an issued PDF), by the media id given them;
        # the most recent ones only, like the records.
        self.uploads: OrderedDict[str, tuple[str, bytes]] = OrderedDict()

    @property
    def last_index(self) -> int:
        """Index of the newest record (0 before any): pass it to `wait_for` to wait for more."""
        return self._last_index

    def register_inbound(self, address: str, wamid: str) -> None:
        """Tell the sink which resident sent an inbound message, so its read receipt finds them.

        Meta's read receipt names only the message id; the simulator knows who sent it.
        """
        self._inbound_owner[wamid] = _normalise(address)
        self._inbound_owner.move_to_end(wamid)
        while len(self._inbound_owner) > _MAX_INBOUND_REMEMBERED:
            self._inbound_owner.popitem(last=False)

    def first_arrival(self, wamid: str) -> bool:
        """True the first time a phone shows message `wamid`: its "delivered" is still to report.

        Remembered in memory only; after a restart a repeat report is harmless (the inbox keeps
        one status per message and word, and a status never moves back).
        """
        if wamid in self._arrived:
            return False
        self._arrived[wamid] = None
        while len(self._arrived) > _MAX_ARRIVALS_REMEMBERED:
            self._arrived.popitem(last=False)
        return True

    async def upload_media(self, content: bytes, *, mime_type: str, filename: str) -> str:
        """Keep a file as Meta's media endpoint would; the media id to send it by."""
        media_id = f"sandbox-media-{uuid.uuid4().hex}"
        self.uploads[media_id] = (filename, content)
        while len(self.uploads) > self._keep:
            self.uploads.popitem(last=False)
        return media_id

    def uploaded(self, media_id: str) -> tuple[str, bytes] | None:
        """A file uploaded to send (filename, bytes), as Meta's media URL would serve it."""
        return self.uploads.get(media_id)

    def sent_media_id(self, address: str, wamid: str) -> str | None:
        """The media id that message `wamid` to `address` carried (an uploaded file), if any."""
        for record in self.records(address):
            if record.wamid == wamid:
                kind = record.body.get("type")
                media = record.body.get(kind) if isinstance(kind, str) else None
                found = media.get("id") if isinstance(media, dict) else None
                return str(found) if found else None
        return None

    async def send(self, body: dict[str, Any]) -> SendResult:
        """Record `body` as Meta would accept it; a message without recipient fails like Meta."""
        if messages.is_status_body(body):
            kind = KIND_TYPING if "typing_indicator" in body else KIND_READ
            address = self._inbound_owner.get(str(body["message_id"]), "")
            wamid = None
        else:
            recipient = body.get("to") or body.get("recipient")
            if not isinstance(recipient, str) or not recipient:
                raise GraphError(
                    code=100, http_status=400, message="(#100) The parameter to is required."
                )
            kind, address = KIND_MESSAGE, _normalise(recipient)
            wamid = f"wamid.SANDBOX{uuid.uuid4().hex.upper()}"
        async with self._changed:
            self._last_index += 1
            record = SandboxRecord(self._last_index, address, kind, body, wamid, self._clock())
            queue = self._by_address.setdefault(address, deque(maxlen=self._keep))
            queue.append(record)
            self._changed.notify_all()
        return SendResult(wamid=wamid)

    def records(self, address: str, after_index: int = 0) -> list[SandboxRecord]:
        """The kept records for `address` newer than `after_index`, oldest first."""
        queue = self._by_address.get(_normalise(address), ())
        return [record for record in queue if record.index > after_index]

    # A long-poll deadline is the point of this call (the simulator page waits on it), so the
    # timeout is a parameter rather than the caller's `asyncio.timeout` around it.
    async def wait_for(
        self,
        address: str,
        after_index: int,
        timeout: float,  # noqa: ASYNC109
    ) -> list[SandboxRecord]:
        """Records for `address` newer than `after_index`, waiting up to `timeout` seconds for one.

        Returns at once when there already are some, and an empty list when the wait times out.
        """
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):
                    await self._changed.wait_for(lambda: bool(self.records(address, after_index)))
            except TimeoutError:
                pass
            return self.records(address, after_index)


def _normalise(address: str) -> str:
    # `address_body` sends phone numbers as "+<wa_id>"; the simulator knows residents by wa_id.
    return address.removeprefix("+")
