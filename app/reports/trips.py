"""Trips to the office: how many times a resident had to come in for a completed request.

The point of Loket is that a resident who lives hours from the office makes one trip, or none.
A completed request counts its trips from its channel and its completion (its history):

- one trip when it was taken down at an office counter (the resident came in to apply);
- one trip when it was completed from `ready_for_pickup` by a person at a counter (the document
  was collected in person; a pickup at the village office is a trip too);
- no trip for a completion from `out_for_delivery` (home delivery), nor for digital delivery of
  the issued document: completed when the PDF reached the resident's chat, or straight from
  `processing`.

So a request has 0, 1 or 2 trips. Only requests *completed* in the period count; a rejected or
cancelled request made no trip worth counting. The counting itself is one grouped SQL
statement (`repository.trips_between`); this module only adds the small groups up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from app.offices.models import Office
from app.reports.repository import TripCount

# The most trips a request can have: one to apply at the counter, one to collect.
MOST = 2


@dataclass(frozen=True)
class Trips:
    """Completed requests of one group (a service or an office) by trips: `counts[n]` made n."""

    key: str
    name: str
    counts: tuple[int, ...]

    @property
    def completed(self) -> int:
        return sum(self.counts)

    def percent(self, trips: int) -> float:
        """The share of the group's completed requests that took `trips` trips, in percent."""
        return 100 * self.counts[trips] / self.completed


@dataclass(frozen=True)
class TripFigures:
    """Trips per service (menu order), per office (by code) and over all of them."""

    by_service: list[Trips]
    by_office: list[Trips]
    total: Trips | None


def _grouped(rows: Iterable[TripCount], key: Callable[[TripCount], str]) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * (MOST + 1))
    for row in rows:
        counts[key(row)][min(row.trips, MOST)] += row.requests
    return counts


def trip_figures(
    rows: list[TripCount],
    service_order: list[str],
    service_names: dict[str, str],
    offices: dict[int, Office],
    unknown_office: str,
) -> TripFigures:
    """Add the grouped counts up per service and per office.

    `service_order` lists the services present in menu order; requests whose office is unset or
    was removed are grouped last, named `unknown_office`.
    """
    per_service = _grouped(rows, lambda row: row.service)
    by_service = [
        Trips(code, service_names.get(code, code), tuple(per_service[code]))
        for code in service_order
        if code in per_service
    ]

    def office_code(row: TripCount) -> str:
        office = offices.get(row.office_id) if row.office_id is not None else None
        return office.code if office is not None else ""

    names = {office.code: office.name for office in offices.values()}
    per_office = _grouped(rows, office_code)
    by_office = [
        Trips(code, names.get(code, unknown_office), tuple(per_office[code]))
        for code in sorted(per_office, key=lambda code: (code == "", code))
    ]
    overall = _grouped(rows, lambda row: "")
    total = Trips("", "", tuple(overall[""])) if rows else None
    return TripFigures(by_service, by_office, total)
