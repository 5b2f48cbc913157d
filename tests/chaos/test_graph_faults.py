"""Meta's Graph API fails 30% of sends: 5xx, a bare 429, 130429, lost answers and hangs.

Every reply must still go out. The only duplicates allowed are of messages whose answer was
lost (Meta took the message, Loket never heard so): Loket must send those again, since it cannot
tell them from messages Meta never got.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chaos.harness import LONG, ChaosRun, assert_sound
from tests.support.chaos.residents import conversations

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

RESIDENTS, EACH = (30, 10) if LONG else (10, 4)
FAULT_RATE = 0.3


def test_every_reply_is_sent_through_graph_faults(chaos_database: str, tmp_path: Path) -> None:
    plan = conversations("graph", RESIDENTS, EACH, seed=3)
    with ChaosRun(
        "graph-faults", chaos_database, tmp_path, workers=2, fault_rate=FAULT_RATE, seed=4
    ) as run:
        meta = run.meta()
        meta.start(plan).result()
        report = run.finish(meta, plan)
    assert_sound(report)
    assert report.kills == 0
    assert set(report.faults) == {"accepted", "5xx", "429", "130429", "timeout", "hang"}
    # No kill and no outage: a duplicate can only come from an answer Meta took but lost.
    assert report.sent_twice == report.sent_twice_explained <= report.answers_lost
