"""Hand-offs that end without an officer: the resident stopped waiting, or nobody answered.

An officer ending a hand-off is audited where they press the button (`handoff.end`). The two
other ways a hand-off ends happen inside the engine: the resident types "selesai" (or "batal")
while waiting, or the working hours of LOKET_HANDOFF_TIMEOUT_HOURS pass without an officer's
reply. Both are seen here, after a turn, by comparing the snapshot before and after it, and are
written to the audit log so an admin can see who was left waiting and how it ended. The row
carries the office of the resident's newest request, so the admins of that office see it (as
they see the hand-off itself); a resident without a request is seen by the admins of no office.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.service import AuditAction, record
from app.conversations.handoff import latest_request
from app.conversations.models import Conversation
from app.flows.inputs import Input, OperatorEvent, TimeoutInput


def ending_action(item: Input) -> AuditAction | None:
    """How a hand-off ended by `item` is audited; None when it is audited elsewhere."""
    if isinstance(item, TimeoutInput):
        return AuditAction.HANDOFF_TIMED_OUT
    if isinstance(item, OperatorEvent):
        return None  # an officer's end is audited with the officer's name (handoff.end)
    return AuditAction.HANDOFF_ENDED_BY_RESIDENT


async def record_ending(
    session: AsyncSession,
    conversation: Conversation,
    *,
    before: dict[str, Any],
    after: dict[str, Any],
    item: Input,
    now: datetime,
) -> None:
    """Audit the end of a hand-off by the resident or the timer, if this turn ended one.

    Called before `handoff.settle`, while the row still says since when and why it was handed
    off.
    """
    if not before.get("handoff") or after.get("handoff"):
        return
    action = ending_action(item)
    if action is None:
        return
    detail: dict[str, Any] = {
        "resident_id": conversation.resident_id,
        "since": conversation.handoff_at.isoformat() if conversation.handoff_at else None,
        "reason": conversation.handoff_reason,
    }
    if action is AuditAction.HANDOFF_TIMED_OUT:
        detail["until"] = before.get("handoff_until")
    request = await latest_request(session, None, conversation.resident_id)
    record(
        session,
        actor="system" if action is AuditAction.HANDOFF_TIMED_OUT else "resident",
        action=action,
        target=f"conversation:{conversation.id}",
        office_id=request.office_id if request is not None else None,
        detail=detail,
        at=now,
    )
