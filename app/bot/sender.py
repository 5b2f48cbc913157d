"""The seam between the outbox and whatever delivers messages: Meta, or the sandbox simulator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SendResult:
    """What a successful `/messages` call gave back.

    `wamid` is Meta's id of the new message, which later status webhooks refer to. Read receipts
    and typing indicators answer `{"success": true}` and create no message, so theirs is None.
    """

    wamid: str | None


class MessageSender(Protocol):
    """Deliver one complete `/messages` body (already addressed) or raise `GraphError`."""

    async def send(self, body: dict[str, Any]) -> SendResult: ...
