"""Meta delivers every webhook three times: twice at once, once more after it was handled."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chaos.harness import LONG, ChaosRun, assert_sound
from tests.support.chaos.residents import conversations

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

RESIDENTS, EACH = (30, 10) if LONG else (10, 5)


def test_every_message_delivered_three_times_is_handled_and_answered_once(
    chaos_database: str, tmp_path: Path
) -> None:
    plan = conversations("dup", RESIDENTS, EACH, seed=1)
    with ChaosRun("duplicates", chaos_database, tmp_path, workers=2) as run:
        meta = run.meta()
        meta.start(plan, copies=2).result()
        meta.start(plan).result()  # a late re-delivery of everything, after it was handled
        report = run.finish(meta, plan)
    assert_sound(report)
    assert (report.kills, report.sent_twice) == (0, 0)
    assert report.messages == RESIDENTS * EACH
