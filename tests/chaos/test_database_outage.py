"""PostgreSQL goes away for a while mid-run (a restart, a failover), then comes back.

The database's port is reached through a proxy the test cuts: open connections are reset and new
ones refused, as during a restart, without touching the server other tests use. Webhooks answer
errors meanwhile (Meta retries them); workers keep retrying; nothing may be lost or doubled
silently once the database is back.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.support.chaos.cluster import Disruption
from tests.support.chaos.harness import LONG, ChaosRun, assert_sound
from tests.support.chaos.residents import conversations
from tests.support.chaos.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.chaos, pytest.mark.slow, pytest.mark.postgres_only]

OUTAGES = 3 if LONG else 1
OUTAGE_SECONDS = 10.0
RESIDENTS, EACH = (30, 10) if LONG else (10, 6)


def test_a_database_outage_loses_nothing(chaos_database: str, tmp_path: Path) -> None:
    rng = random.Random(30)
    plan = conversations("outage", RESIDENTS, EACH, seed=5)
    direct = make_url(chaos_database)
    run = ChaosRun("database-outage", chaos_database, tmp_path, workers=2)
    proxy = TcpProxy(run.loop, direct.host or "127.0.0.1", direct.port or 5432)
    port = proxy.start()
    run.cluster.env["DATABASE_URL"] = direct.set(port=port).render_as_string(hide_password=False)
    with run:
        meta = run.meta()
        delivering = meta.start(plan, pause=lambda: rng.uniform(0.2, 0.8))
        for _ in range(OUTAGES):
            time.sleep(rng.uniform(1.0, 3.0))
            started = time.monotonic()
            proxy.cut()
            time.sleep(OUTAGE_SECONDS)
            proxy.restore()
            run.disruptions.append(Disruption("database away", started, time.monotonic()))
        delivering.result()
        report = run.finish(meta, plan)
        proxy.stop()
    assert_sound(report)
    assert report.outage_seconds >= OUTAGE_SECONDS * OUTAGES
    assert report.deliveries_refused > 0  # webhooks did fail meanwhile, and were re-delivered
