"""SIGKILL of `serve` and of workers at random points while residents write, on either database.

`serve` runs its own workers beside three `loket worker` processes. A kill lands anywhere:
mid-webhook, mid-transaction, between Meta taking a message and the outbox recording it. The
last case is the one Loket cannot avoid (Meta's API has no idempotency key): the message is
sent again after the lease expires. Such duplicates are counted and must each fall around a
kill; everything else must come out exactly once.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from tests.support.chaos.harness import LONG, ChaosRun, assert_sound
from tests.support.chaos.residents import conversations

pytestmark = [pytest.mark.chaos, pytest.mark.slow]

KILLS = 20 if LONG else 5
RESIDENTS, EACH = (30, 10) if LONG else (12, 6)
WORKERS = 3


def test_kills_of_serve_and_workers_lose_nothing_and_double_nothing_silently(
    chaos_database: str, tmp_path: Path
) -> None:
    rng = random.Random(20)
    plan = conversations("kill", RESIDENTS, EACH, seed=2)
    with ChaosRun("kills", chaos_database, tmp_path, workers=WORKERS) as run:
        meta = run.meta()
        delivering = meta.start(plan, pause=lambda: rng.uniform(0.1, 0.6))
        for victim in victims(rng, run.cluster.names):
            run.cluster.wait_working(victim)
            time.sleep(rng.uniform(0.2, 2.0))
            run.cluster.kill(victim)
            time.sleep(rng.uniform(0.0, 0.5))
            run.cluster.restart(victim)
        delivering.result()
        report = run.finish(meta, plan)
    assert_sound(report)
    assert report.kills == KILLS
    # Each duplicate needs a worker killed between Meta taking a message and the outbox
    # recording it; one kill can catch at most the residents that worker was sending to.
    assert report.sent_twice <= KILLS * 16


def victims(rng: random.Random, names: list[str]) -> list[str]:
    """KILLS names in random order: `serve` a third of the time, the workers the rest."""
    workers = [name for name in names if name != "serve"]
    chosen = ["serve"] * (KILLS // 3) + [rng.choice(workers) for _ in range(KILLS - KILLS // 3)]
    rng.shuffle(chosen)
    return chosen
