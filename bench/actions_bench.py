"""Resident actions per service: a cooperative resident completes every catalog service by chat.

    python bench/actions_bench.py [--catalog DIR] [--no-write]

Drives the real engine (`Engine.handle`, as the golden tests do; tests/support/resident_walk.py)
with one cooperative resident per shipped service, who answers every question right the first
time, and counts what the resident does: messages typed, files sent, buttons tapped. Prints one
row per service and writes the table into bench/README.md, section "Resident actions" (unless
`--no-write`). `--catalog DIR` walks another catalog folder (the section is then left alone). The
figures are pinned by tests/flows/test_resident_actions.py.
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

from app.flows.catalog import load_catalog  # noqa: E402  (after the path is set)
from app.flows.engine import Engine  # noqa: E402
from app.flows.page_pause import PAGE_PAUSE  # noqa: E402
from tests.support.engine_data import START  # noqa: E402
from tests.support.resident_walk import (  # noqa: E402
    SCENARIOS,
    Walk,
    services_without_scenario,
    walk_all,
)

README = ROOT / "bench" / "README.md"
BEGIN = "<!-- resident-actions:begin -->"
END = "<!-- resident-actions:end -->"
ZONE = ZoneInfo("Asia/Jakarta")


def table(walks: dict[str, Walk], waiting: dict[str, Walk]) -> str:
    """The Markdown table of the walks, one row per service; the last column is the same
    resident who lets "Ada foto lain?" pass in silence instead of tapping "Sudah semua"."""
    openings = {scenario.service: scenario.opening for scenario in SCENARIOS}
    header = (
        "service",
        "first message",
        "messages",
        "files",
        "taps",
        "**actions**",
        "waiting instead of Sudah semua",
    )
    rows = [
        (
            f"`{code}`",
            openings[code],
            w.messages,
            w.files,
            w.taps,
            f"**{w.actions}**",
            f"**{waiting[code].actions}** ({waiting[code].waits} × 1 min)",
        )
        for code, w in walks.items()
    ]
    return md_tables.table(header, rows, left=2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave README.md")
    parser.add_argument("--catalog", type=Path, help="a catalog folder other than the shipped one")
    args = parser.parse_args()
    catalog = load_catalog(args.catalog)
    missing = services_without_scenario(catalog)
    if missing:
        print(f"no scenario for: {', '.join(missing)}", file=sys.stderr)
        return 1

    now = [START]

    def engine() -> Engine:
        counter = itertools.count(1)
        now[0] = START
        return Engine(
            catalog, clock=lambda: now[0], new_id=lambda: f"id-{next(counter)}", timezone=ZONE
        )

    def pause() -> None:
        now[0] += PAGE_PAUSE

    today = START.astimezone(ZONE).date()
    walks = walk_all(catalog, engine, today=today)
    text = table(walks, walk_all(catalog, engine, today=today, pause=pause))
    print(text)
    if not args.no_write and args.catalog is None:
        md_tables.replace_section(README, BEGIN, END, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
