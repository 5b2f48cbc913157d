"""Scale-out on PostgreSQL: two `serve --no-workers` behind a (simulated) load balancer and two
`loket worker` processes on one database, woken by LISTEN/NOTIFY.

Thousands of messages from hundreds of residents; every message is stored once, handled once and
in order, and every reply reaches Meta exactly once, in the order it was written. PostgreSQL
only: on SQLite a second process serialises behind the one write lock, so there is nothing to
scale out (the SQLite deployment is one process; the chaos tests cover it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chaos.harness import LONG, ChaosRun, assert_sound
from tests.support.chaos.order import order_problems
from tests.support.chaos.residents import conversations
from tests.support.chaos.tally import sync_engine

pytestmark = [pytest.mark.postgres_only, pytest.mark.scaleout, pytest.mark.slow]

# 1,000 messages fit in well under a minute on two idle cores; LOKET_CHAOS=long sends 2,000.
RESIDENTS, EACH = (200, 10) if LONG else (200, 5)
# The fake Meta is not rate-limited: pace like a top-tier number so the test is not the limit.
# The poll is slow on purpose: the workers start on NOTIFY, the poll is only the fallback.
SCALEOUT_ENV = {"LOKET_SEND_RATE_PER_SECOND": "1000", "LOKET_WORKER_POLL_SECONDS": "2"}


def test_two_serves_and_two_workers_keep_order_and_exactly_once(
    chaos_database: str, tmp_path: Path
) -> None:
    plan = conversations("scale", RESIDENTS, EACH, seed=14)
    halves = [plan[0::2], plan[1::2]]  # the load balancer: each resident's webhooks to one serve
    with ChaosRun(
        "scaleout",
        chaos_database,
        tmp_path,
        workers=2,
        serves=2,
        serve_workers=False,
        env=SCALEOUT_ENV,
    ) as run:
        metas = [run.meta(url) for url in run.cluster.base_urls]
        deliveries = [meta.start(half) for meta, half in zip(metas, halves, strict=True)]
        for delivery in deliveries:
            delivery.result()
        both = metas[0]
        both.acked |= metas[1].acked
        both.refused += metas[1].refused
        report = run.finish(both, plan)
        engine = sync_engine(chaos_database)
        try:
            problems = order_problems(engine, run.graph, plan)
        finally:
            engine.dispose()
        logs = {p.name: p.read_text() for p in (tmp_path / "logs").iterdir()}
    assert_sound(report)
    assert report.messages == RESIDENTS * EACH
    assert (report.kills, report.sent_twice, report.deliveries_refused) == (0, 0, 0)
    assert problems == []
    listening = sorted(name for name, text in logs.items() if "listening for wake-ups" in text)
    assert listening == ["003-worker1.log", "004-worker2.log"]
