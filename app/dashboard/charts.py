"""What the figures page's charts draw, as JSON for `static/figures.js`, and how numbers read.

The page carries this data in a `<script type="application/json">` block (the CSP allows no
inline script), and the same figures again as HTML tables for screen readers and tests.
"""

from __future__ import annotations

from typing import Any

from app.dashboard.i18n import translate
from app.reports.figures import Figures, Ikm, Share
from app.reports.trips import MOST, Trips


def decimal(value: float, lang: str, places: int = 1) -> str:
    """`2.5` → "2,5" in Indonesian and "2.5" in English (no thousands separators)."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if lang != "en" else text


def percent(share: Share, lang: str) -> str:
    """A share as people read it: "66,7%"."""
    return decimal(share.percent, lang) + "%"


def trip_share(trips: Trips, count: int, lang: str) -> str:
    """The share of a group's requests that took `count` trips, then how many: "50,0% (2)"."""
    return f"{decimal(trips.percent(count), lang)}% ({trips.counts[count]})"


def _trip_shares(canvas: str, rows: list[Trips], labels: list[str], lang: str) -> dict[str, Any]:
    """One bar per group, split into the shares with 0, 1 and 2 trips (adding up to 100)."""
    return {
        "canvas": canvas,
        "labels": labels,
        "series": [
            {
                "label": translate(f"fig_col_trips_{n}", lang),
                "values": [round(row.percent(n), 1) for row in rows],
            }
            for n in range(MOST + 1)
        ],
    }


def _bars(
    canvas: str, labels: list[str], values: list[float], label: str, **scale: Any
) -> dict[str, Any]:
    return {"canvas": canvas, "labels": labels, "values": values, "label": label, **scale}


def _ikm_bars(canvas: str, rows: list[Ikm], labels: list[str], label: str) -> dict[str, Any]:
    return _bars(canvas, labels, [row.index for row in rows], label, min=0, max=100)


def chart_data(figures: Figures, names: dict[str, str], lang: str) -> dict[str, Any]:
    """Every chart's labels and values; `names` maps service codes to their names."""

    def t(key: str) -> str:
        return translate(key, lang)

    def name(code: str) -> str:
        return names.get(code, code)

    per_day = figures.per_day
    trips = figures.trips
    return {
        "stacked": {
            "canvas": "chart-per-day",
            "labels": [day.isoformat() for day in (row.day for row in per_day.rows)],
            "series": [
                {"label": name(code), "values": [row.counts[i] for row in per_day.rows]}
                for i, code in enumerate(per_day.services)
            ],
        },
        "bars": [
            _bars(
                "chart-turnaround",
                [name(row.service) for row in figures.turnaround],
                [round(row.median_days, 2) for row in figures.turnaround],
                t("fig_col_median_days"),
                min=0,
            ),
            _bars(
                "chart-on-time",
                [name(row.service) for row in figures.on_time],
                [round(row.percent, 1) for row in figures.on_time],
                t("fig_col_share"),
                min=0,
                max=100,
            ),
            _bars(
                "chart-first-review",
                [name(row.service) for row in figures.first_review],
                [round(row.percent, 1) for row in figures.first_review],
                t("fig_col_share"),
                min=0,
                max=100,
            ),
            _ikm_bars(
                "chart-ikm-office",
                figures.ikm_by_office,
                [row.key or row.name for row in figures.ikm_by_office],
                t("fig_col_ikm"),
            ),
            _ikm_bars(
                "chart-ikm-service",
                figures.ikm_by_service,
                [row.name for row in figures.ikm_by_service],
                t("fig_col_ikm"),
            ),
        ],
        "shares": [
            _trip_shares(
                "chart-trips-service",
                trips.by_service,
                [row.name for row in trips.by_service],
                lang,
            ),
            _trip_shares(
                "chart-trips-office",
                trips.by_office,
                [row.key or row.name for row in trips.by_office],
                lang,
            ),
        ],
    }
