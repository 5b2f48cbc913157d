"""Resident actions with memory across requests (issue 13, items 6 and 8), by chat.

    python bench/memory_actions_bench.py

Replays the golden conversations of tests/flows/golden that use remembered data through the
engine, with the fixed clock of the tests, and counts what the resident does: every typed
message, tap and photo (the locker's verdicts and the submission's answer are the system's, not
the resident's). A submitted form counts twice: the tap that opens it and the tap that submits
it (what is filled in inside it is one screen, not counted). Prints, per conversation, the
actions and the target. The figures are also asserted by tests/flows/test_memory.py and, on a
real database through signed webhooks, by tests/memory/.
"""

from __future__ import annotations

import itertools
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.flows.catalog import shipped_catalog  # noqa: E402
from app.flows.engine import Engine  # noqa: E402
from tests.support.engine_data import GOLDEN_DIR, START  # noqa: E402
from tests.support.golden import load, replay  # noqa: E402

RESIDENT_INPUTS = frozenset({"text", "choice", "media"})
FORM_INPUT = "form_submitted"  # opening the form and submitting it: two taps
# (golden file, what it measures, issue 13's target)
CASES = (
    ("service_kk", "KK request, every question asked", None),
    ("memory_second_request_kk", "KK request after a KTP-el, data kept", 7),
    ("service_sipi_perpanjangan", "SIPI renewal, locker reuse one by one", None),
    ("memory_sipi_one_message", "SIPI renewal by one message, boat kept", 5),
    ("memory_sipi_photo_first", "  the same, the old SIPI's photo as the yes", 5),
    ("memory_renewal_form", "SIPI renewal by the reminder's form (Flow)", 3),
)


class _Clock:
    """The tests' clock: it stands still until a golden step moves it."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def _actions(name: str) -> tuple[int, int]:
    """(resident actions up to the first submission, of which "Sudah semua" taps)."""
    golden = load(GOLDEN_DIR / f"{name}.yaml")
    counter, clock = itertools.count(1), _Clock()
    engine = Engine(
        shipped_catalog(),
        clock=clock,
        new_id=lambda: f"id-{next(counter)}",
        timezone=ZoneInfo("Asia/Jakarta"),
    )
    result = replay(engine, clock, golden)
    actions = done_taps = 0
    for step, events in zip(golden["steps"], result.events, strict=True):
        item = step["input"]
        if item["type"] == FORM_INPUT:
            actions += 2
        if item["type"] in RESIDENT_INPUTS:
            actions += 1
            done_taps += item.get("id") == "done" or item.get("text") in ("selesai", "sudah")
        if any(event["type"] == "submit_request" for event in events):
            return actions, done_taps
    return actions, done_taps


def main() -> int:
    print(f"{'conversation':<45} {'actions':>7} {'of which Sudah semua':>21} {'target':>6}")
    for name, what, target in CASES:
        actions, done_taps = _actions(name)
        print(f"{what:<45} {actions:>7} {done_taps:>21} {target or '-':>6}")
    print("(target: the most actions issue 13 allows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
