"""Resident actions by WhatsApp Flow form: every catalog service, and a renewal with memory.

    python bench/flow_actions_bench.py [--no-write]

Drives the real engine (`Engine.handle`, as tests/flows/test_form_completion.py does;
tests/support/resident_form.py) with one cooperative resident per shipped service who is offered
the service's form: they name the service in one message, open the form, fill it in right the
first time, submit it, and answer in chat whatever is still asked (the summary). Counts the
resident's actions (messages, taps, files sent in chat) and, apart, what was filled in inside
the form. Adds the SIPI renewal of a fisher whose boat is remembered (memory across requests).
Prints the table and writes it into bench/README.md, section "Resident actions" (unless
`--no-write`). Pinned by tests/flows/test_flow_actions.py.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import md_tables  # noqa: E402  (bench/md_tables.py)

from app.flows.catalog import shipped_catalog  # noqa: E402  (after the path is set)
from app.flows.engine import Engine  # noqa: E402
from tests.support.engine_data import START  # noqa: E402
from tests.support.resident_form import (  # noqa: E402
    REMEMBERED_BOAT,
    FormWalk,
    remembered_boat_context,
    walk_by_form,
)
from tests.support.resident_walk import SCENARIOS  # noqa: E402

README = ROOT / "bench" / "README.md"
BEGIN = "<!-- flow-actions:begin -->"
END = "<!-- flow-actions:end -->"
ZONE = ZoneInfo("Asia/Jakarta")


def row(label: str, first: str, walk: FormWalk) -> tuple[object, ...]:
    """One row: the resident's actions, and what was filled in inside the form."""
    return (
        label,
        first,
        walk.messages,
        walk.taps,
        walk.files,
        walk.entries,
        len(walk.prefilled),
        f"**{walk.actions}**",
    )


def table(walks: dict[str, FormWalk], remembered: FormWalk) -> str:
    """The Markdown table: one row per service, then the renewal with memory."""
    openings = {scenario.service: scenario.opening for scenario in SCENARIOS}
    header = (
        *("service", "first message", "messages", "taps", "files in chat"),
        *("filled in the form", "shown pre-filled", "**actions**"),
    )
    rows = [row(f"`{code}`", openings[code], walk) for code, walk in walks.items()]
    rows.append(row("`sipi_perpanjangan`, boat remembered", REMEMBERED_BOAT.opening, remembered))
    return md_tables.table(header, rows, left=2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave README.md")
    args = parser.parse_args()
    catalog = shipped_catalog()
    today = START.astimezone(ZONE).date()

    def engine() -> Engine:
        counter = itertools.count(1)
        return Engine(
            catalog, clock=lambda: START, new_id=lambda: f"id-{next(counter)}", timezone=ZONE
        )

    walks = {
        scenario.service: walk_by_form(engine(), catalog, scenario, today=today)
        for scenario in SCENARIOS
        if scenario.service in catalog.services
    }
    remembered = walk_by_form(
        engine(), catalog, REMEMBERED_BOAT, today=today, context=remembered_boat_context()
    )
    text = table(walks, remembered)
    print(text)
    print("renewal with memory:", " → ".join(remembered.transcript))
    if not args.no_write:
        md_tables.replace_section(README, BEGIN, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
