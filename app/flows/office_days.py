"""Is the office open on the day asked about? "besok buka?", "tanggal 25 buka gak?", "hari Sabtu?".

The day is read from the question (today, tomorrow, the day after, a weekday name, "tanggal 25",
a full date) and judged against the office's working weekdays and its days off from
`OfficeInfo` (national holidays with their names, and the office's own days off). A day further
ahead than the days off the caller told is judged by its weekday alone.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.flows.context import OfficeInfo
from app.flows.dates import read_date
from app.flows.textmatch import normalize
from app.flows.turn import Turn

# Words for a day counted from today.
_RELATIVE = {"hari ini": 0, "today": 0, "besok": 1, "tomorrow": 1, "lusa": 2}
_RELATIVE_PATTERN = re.compile(r"\b(" + "|".join(_RELATIVE) + r")\b")
# "tanggal 25", "tgl 25", "the 25th", "on 25": a day of the month without its month.
_DAY_OF_MONTH = re.compile(r"\b(?:tanggal|tgl|tang|the|on)\s+(\d{1,2})(?:st|nd|rd|th)?\b")
# How many days to look for the next weekday asked about, and the next opening day.
_WEEK = 7
_SEARCH = 60


def asked_date(text: str, today: date) -> date | None:
    """The date a question is about, when it names one rather than a weekday."""
    norm = normalize(text).replace("besuk", "besok").replace("bsk", "besok")
    relative = _RELATIVE_PATTERN.search(norm)
    if relative is not None:
        return today + timedelta(days=_RELATIVE[relative.group(1)])
    reading = read_date(text, today=today, prefer_past=False)
    if reading.value is not None and not reading.relative:
        return reading.value
    if reading.problem == "no_year" and reading.example is not None:
        return reading.example  # "25 Desember": the coming one
    found = _DAY_OF_MONTH.search(norm)
    return _next_day_of_month(int(found.group(1)), today) if found else None


def _next_day_of_month(day: int, today: date) -> date | None:
    """The first date from today on that falls on `day` of its month ("tanggal 25")."""
    year, month = today.year, today.month
    for _ in range(3):  # this month, else the next ones (the 31st is not in every month)
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and candidate >= today:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def next_weekday(weekday: int, today: date) -> date:
    """The next date (today included) that falls on `weekday`."""
    return today + timedelta(days=(weekday - today.weekday()) % _WEEK)


def is_open_on(office: OfficeInfo, day: date) -> bool:
    """True when `day` is one of the office's working weekdays and not a day off."""
    return day.weekday() in office.working_weekdays and day not in office.days_off


def day_line(turn: Turn, office: OfficeInfo, day: date) -> str:
    """ "Jumat, 25 Desember 2026, kantor tutup karena Hari Raya Natal. Buka lagi Senin, ..." """
    named = f"{_weekday_name(turn, day)}, {turn.date_text(day)}"
    if is_open_on(office, day):
        return turn.t("aside.office_date_open", day=named)
    holiday = next((h for h in office.holidays if h.day == day), None)
    if holiday is not None:
        line = turn.t("aside.office_date_holiday", day=named, holiday=holiday.name(turn.lang))
    elif day in office.days_off:
        line = turn.t("aside.office_date_day_off", day=named)
    else:
        line = turn.t("aside.office_date_closed", day=named)
    reopens = _next_open(office, day)
    if reopens is None:
        return line
    again = f"{_weekday_name(turn, reopens)}, {turn.date_text(reopens)}"
    return f"{line} {turn.t('aside.office_opens_again', day=again)}"


def _next_open(office: OfficeInfo, day: date) -> date | None:
    for offset in range(1, _SEARCH):
        candidate = day + timedelta(days=offset)
        if is_open_on(office, candidate):
            return candidate
    return None


def _weekday_name(turn: Turn, day: date) -> str:
    return turn.t("aside.weekdays").split("|")[day.weekday()]
