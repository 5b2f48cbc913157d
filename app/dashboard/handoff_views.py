"""Hand-off deadlines in words for operators: "Menunggu petugas sampai Senin, 23 November ..."

The hand-off page shows it on each waiting conversation, and the request page of a resident who
is waiting for an officer says so with the same words and a link to the conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.handoff_deadline import open_handoff, waits_until
from app.dashboard.i18n import translate

# A deadline names its weekday: officers plan by the day ("Senin, 23 November 2026, 14.00").
DEADLINE_FORMATS = {"id": "EEEE, d MMMM y, HH.mm", "en": "EEEE, d MMMM y, HH:mm"}


def deadline_text(until: datetime | None, lang: str, tz: ZoneInfo) -> str:
    """Until when the resident waits for an officer, and what happens then."""
    if until is None:
        return translate("support_waits_open", lang)
    when = format_datetime(until.astimezone(tz), DEADLINE_FORMATS[lang], locale=lang)
    return translate("support_waits_until", lang).format(when=when)


async def request_panel(
    session: AsyncSession, resident_id: int, lang: str, tz: ZoneInfo
) -> dict[str, Any]:
    """The request page's note on a resident who is waiting for an officer (empty if not)."""
    conversation = await open_handoff(session, resident_id)
    if conversation is None:
        return {"handoff_wait": None}
    return {
        "handoff_wait": deadline_text(waits_until(conversation), lang, tz),
        "handoff_id": conversation.id,
    }
