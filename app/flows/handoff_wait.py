"""What the bot still does while an officer has the conversation (a hand-off).

The bot stays out of the officer's way, but a resident must not talk into silence: each message
gets a short acknowledgement saying when an officer will answer (from the office's hours and
days off), at most once per `ACK_EVERY` so five lines typed in a row get one reply, not five.

A few commands keep working:
- "status" answers as always (it changes nothing the officer relies on);
- "selesai" or "batal" end the wait and give the conversation back to the bot;
- "menu" does not drop the hand-off silently (the officer may be about to answer): it says
  when the officer will answer and how to go back to the menu ("selesai").
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from babel.dates import format_date

from app.flows import commands, status_reply
from app.flows.inputs import (
    ChoiceInput,
    Input,
    LocationInput,
    MediaInput,
    TextInput,
    UnsupportedInput,
    text_of,
)
from app.flows.prompts import ask
from app.flows.system import message_from_dict
from app.flows.textmatch import normalize
from app.flows.turn import Turn

ACK_EVERY = timedelta(minutes=10)
RESIDENT_INPUTS = (TextInput, ChoiceInput, MediaInput, LocationInput, UnsupportedInput)
# Words that end the wait for an officer (typed alone).
END_WORDS = frozenset({"selesai", "sudah selesai", "batal", "batalkan", "cancel", "stop", "done"})


def during(turn: Turn, item: Input) -> None:
    """A resident's message while the conversation is handed off."""
    if not isinstance(item, RESIDENT_INPUTS):
        return  # a survey does not start while an officer is talking with the resident
    resident = item
    text = text_of(resident) or ""
    command = commands.command_in(resident)
    if normalize(text) in END_WORDS or command == "cancel":
        end_by_resident(turn)
    elif command == "status":
        turn.send_text(status_reply.status_text(turn, text))
    elif command == "menu":
        _acknowledge(turn, "handoff.menu_hint")
    elif _ack_due(turn):
        _acknowledge(turn, "handoff.received")


def acknowledge(turn: Turn) -> None:
    """Tell the resident their message (a submitted form) arrived and an officer will answer."""
    _acknowledge(turn, "handoff.received")


def promise(turn: Turn) -> str:
    """When an officer will answer, in the resident's language."""
    office = turn.context.office
    if office is None:
        return turn.t("handoff.promise_soon")
    if office.open_now:
        return turn.t("handoff.promise_today", time=_clock(turn, office.closing))
    if office.opens_next is None:
        return turn.t("handoff.promise_soon")
    return turn.t(
        "handoff.promise_closed", day=_day(turn, office.opens_next),
        time=_clock(turn, office.opens_next.time()),
    )  # fmt: skip


def end_by_resident(turn: Turn) -> None:
    """The resident stops waiting: the bot takes over again where the conversation was."""
    session = turn.session
    session.handoff = False
    session.handoff_acked = None
    session.handoff_until = None
    for held in session.held:
        turn.emit(message_from_dict(held))
    session.held = []
    turn.say("handoff.ended_by_resident")
    if session.awaiting is not None and session.awaiting.kind != "menu":
        ask(turn)  # the question the hand-off interrupted (the text already points to *menu*)


def _ack_due(turn: Turn) -> bool:
    last = turn.session.handoff_acked
    return last is None or turn.now - last >= ACK_EVERY


def _acknowledge(turn: Turn, key: str) -> None:
    turn.session.handoff_acked = turn.now
    turn.send_text(turn.t(key, promise=promise(turn)))


def _clock(turn: Turn, value: time) -> str:
    return value.strftime("%H:%M" if turn.lang == "en" else "%H.%M")


def _day(turn: Turn, when: datetime) -> str:
    if when.date() == turn.today:
        return turn.t("handoff.today")
    if when.date() == turn.today + timedelta(days=1):
        return turn.t("handoff.tomorrow")
    locale = "en" if turn.lang == "en" else "id"
    return format_date(when.date(), "EEEE, d MMMM", locale=locale)
