"""The figures' arithmetic on hand-made rows, and the numbers as people read them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from app.reports import figures
from app.reports.filters import Period
from app.reports.repository import CompletedRow, SubmittedRow

WIB = ZoneInfo("Asia/Jakarta")
PERIOD = Period(date(2026, 11, 1), date(2026, 11, 3), WIB)
ORDER = ["ktp", "kk", "akta_kelahiran"]
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 09:00 WIB on 1 November


def submitted(
    service: str, at: datetime, reviewed: bool = False, corrected: bool = False
) -> SubmittedRow:
    return SubmittedRow(service, at, reviewed, corrected)


def completed(service: str, days: float, due: date | None = None) -> CompletedRow:
    return CompletedRow(service, T0, T0 + timedelta(days=days), due)


def test_per_day_counts_local_days_and_lists_every_day() -> None:
    rows = [
        submitted("kk", T0),
        submitted("ktp", datetime(2026, 11, 1, 17, 0, tzinfo=UTC)),  # 00:00 WIB on the 2nd
        submitted("ktp", datetime(2026, 11, 1, 16, 59, tzinfo=UTC)),  # 23:59 WIB on the 1st
        submitted("old", T0),  # a code no longer in the catalog comes last
    ]
    table = figures.per_day(rows, PERIOD, ORDER)
    assert table.services == ["ktp", "kk", "old"]
    assert [(row.day.day, row.counts, row.total) for row in table.rows] == [
        (1, [1, 1, 1], 3),
        (2, [1, 0, 0], 1),
        (3, [0, 0, 0], 0),
    ]
    assert [table.service_total(i) for i in range(3)] == [2, 1, 1]


def test_turnaround_is_the_median_in_days_per_service() -> None:
    rows = [
        completed("ktp", 1),
        completed("ktp", 4.5),
        completed("ktp", 2),
        completed("kk", 0.25),
        completed("kk", 0.75),
        CompletedRow("kk", None, T0, None),  # no submission time: no turnaround
    ]
    assert figures.turnaround(rows, ORDER) == [
        figures.Turnaround("ktp", 3, 2.0),
        figures.Turnaround("kk", 2, 0.5),
    ]


def test_on_time_compares_the_local_completion_day_with_the_due_date() -> None:
    late_evening = datetime(2026, 11, 2, 16, 30, tzinfo=UTC)  # 23:30 WIB on the 2nd
    rows = [
        CompletedRow("ktp", T0, late_evening, date(2026, 11, 2)),  # on the due day: on time
        CompletedRow("ktp", T0, late_evening + timedelta(hours=1), date(2026, 11, 2)),  # the 3rd
        CompletedRow("ktp", T0, late_evening, None),  # no promise: counted nowhere
        CompletedRow("kk", T0, late_evening, date(2026, 11, 5)),
    ]
    shares = figures.on_time(rows, PERIOD, ORDER)
    assert shares == [figures.Share("ktp", 1, 2), figures.Share("kk", 1, 1)]
    assert [share.percent for share in shares] == [50.0, 100.0]


def test_first_review_counts_reviewed_requests_never_corrected() -> None:
    rows = [
        submitted("ktp", T0, reviewed=True),
        submitted("ktp", T0, reviewed=True, corrected=True),
        submitted("ktp", T0, reviewed=True),
        submitted("ktp", T0),  # not reviewed yet: not counted
        submitted("kk", T0, reviewed=True, corrected=True),
    ]
    assert figures.first_review(rows, ORDER) == [
        figures.Share("ktp", 2, 3),
        figures.Share("kk", 0, 1),
    ]


def test_ikm_uses_the_feedback_formula_and_grades() -> None:
    # 2 responses, 67 points: 67 / 18 × 25 = 93.055… → 93.06, grade A.
    assert figures.ikm("DESA", "Desa", 2, 67) == figures.Ikm("DESA", "Desa", 2, 93.06, "A")
    # 88.30 is a B, 88.31 an A (Permenpan RB 14/2017); 25 is the floor, a D.
    assert figures.ikm("X", "X", 1, 31).grade == "B"  # 86.11
    assert figures.ikm("X", "X", 1, 9) == figures.Ikm("X", "X", 1, 25.0, "D")
    assert figures.ikm("X", "X", 1, 36) == figures.Ikm("X", "X", 1, 100.0, "A")
