"""Meta's delivery statuses applied to outbox rows, monotonically.

Meta does not promise order: "delivered" may never come (sent and read together), webhooks are
re-delivered, and a late "delivered" may arrive after "read" (reference §2, §6). So a status only
ever moves up the rank sent < delivered < read < played, and "failed" is final and wins from any
state. A failed status records Meta's error on the row, where operators (and the template
fallback for 131047) look for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from app.outbox import repository
from app.outbox.models import MAX_ERROR_TEXT, DeliveryStatus

log = structlog.get_logger(__name__)


async def apply_status(
    session: AsyncSession,
    *,
    wamid: str,
    status: str,
    timestamp: datetime | None,
    errors: list[dict[str, Any]] | None = None,
) -> bool:
    """Record `status` for the message Meta calls `wamid`; True when the row changed.

    False for an unknown wamid (not ours, or a receipt), an unknown status word, a status that
    would move backwards, a repeat, or anything after "failed".
    """
    try:
        new = DeliveryStatus(status)
    except ValueError:
        log.warning("unknown delivery status ignored", wamid=wamid, status=status)
        return False
    message = await repository.find_by_wamid(session, wamid, for_update=True)
    if message is None:
        return False
    current = DeliveryStatus(message.delivery_status) if message.delivery_status else None
    if current is DeliveryStatus.FAILED:
        return False
    if current is not None and new is not DeliveryStatus.FAILED and new.rank <= current.rank:
        return False
    message.delivery_status = new
    message.delivery_updated_at = timestamp
    if new is DeliveryStatus.FAILED:
        code, text = _first_error(errors or [])
        message.last_error_code = code
        message.last_error = text
        log.warning("Meta reports delivery failed", wamid=wamid, code=code, error=text)
    await session.flush()
    return True


def _first_error(errors: list[dict[str, Any]]) -> tuple[int | None, str]:
    """Meta's first error of a failed status: `{code, title, message, error_data{details}}`."""
    if not errors or not isinstance(errors[0], dict):
        return None, "delivery failed (Meta gave no reason)"
    error = errors[0]
    raw_code = error.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else None
    if code is None and isinstance(raw_code, str) and raw_code.isdigit():
        code = int(raw_code)
    error_data = error.get("error_data")
    details = error_data.get("details") if isinstance(error_data, dict) else None
    parts = [str(p) for p in (error.get("title"), error.get("message"), details) if p]
    unique = list(dict.fromkeys(parts))  # Meta often repeats the title as the message
    prefix = f"delivery failed ({code})" if code is not None else "delivery failed"
    return code, (f"{prefix}: " + " — ".join(unique) if unique else prefix)[:MAX_ERROR_TEXT]
