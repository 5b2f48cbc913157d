"""A hand-off nobody picks up goes back to the bot after some working hours.

The engine decides (pure): when a hand-off starts it computes the moment the configured number
of the office's working hours has passed and asks the caller for a `TimeoutInput` then
(`WaitUntil`). If the hand-off is still open when it arrives, the bot takes the conversation
back, tells the resident, and asks the interrupted question again. An officer's reply stops the
clock (`OperatorEvent("handoff_answered")`): from then on the hand-off lasts until it is ended.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from app.flows.context import OfficeInfo
from app.flows.prompts import ask
from app.flows.system import message_from_dict
from app.flows.turn import Turn

MAX_DAYS = 400  # a calendar with no working day at all must not loop forever


def after_working_hours(
    start: datetime, hours: float, office: OfficeInfo, timezone: tzinfo | None
) -> datetime | None:
    """The moment `hours` of the office's working time have passed since `start`."""
    local = start.astimezone(timezone) if timezone else start
    zone = local.tzinfo
    left = timedelta(hours=hours)
    cursor = local
    day = local.date()
    for _ in range(MAX_DAYS):
        if _working(day, office):
            opens = datetime.combine(day, office.opening, zone)
            closes = datetime.combine(day, office.closing, zone)
            begin = max(cursor, opens)
            if begin < closes:
                if begin + left <= closes:
                    return begin + left
                left -= closes - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, datetime.min.time(), zone)
    return None


def _working(day: date, office: OfficeInfo) -> bool:
    return day.weekday() in office.working_weekdays and day not in office.days_off


def start(turn: Turn, hours: float | None) -> None:
    """A hand-off began: remember until when it may wait for an officer (None = forever)."""
    office = turn.context.office or OfficeInfo(name=turn.setup.office_name)
    until = after_working_hours(turn.now, hours, office, turn.setup.timezone) if hours else None
    turn.session.handoff_until = until


def on_timeout(turn: Turn) -> bool:
    """True when the timeout ended an unanswered hand-off (and the bot took over again)."""
    session = turn.session
    until = session.handoff_until
    if not session.handoff or until is None or turn.now < until:
        return False
    session.handoff = False
    session.handoff_until = None
    session.handoff_acked = None
    for held in session.held:
        turn.emit(message_from_dict(held))
    session.held = []
    turn.say("handoff.timed_out")
    if session.awaiting is not None and session.awaiting.kind != "menu":
        ask(turn)
    return True
