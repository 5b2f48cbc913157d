"""One chaos run: a fresh database, the fake Graph API, Loket's processes, and the final count.

with ChaosRun("kills", database, tmp_path, workers=3) as run:
    meta = run.meta()
    meta.start(plan).result()
    report = run.finish(meta, plan)
assert_sound(report)
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from types import TracebackType

from tests.support.chaos.background import BackgroundLoop
from tests.support.chaos.cluster import Cluster, Disruption
from tests.support.chaos.graph_server import ChaosGraph
from tests.support.chaos.residents import PHONE_NUMBER_ID, Message, Meta
from tests.support.chaos.tally import Report, sync_engine, tally, wait_until_quiet
from tests.support.environment import LIVE_SECRET_KEY

LONG = os.environ.get("LOKET_CHAOS", "").lower() == "long"
TOKEN = "chaos-access-token"
APP_SECRET = "chaos-app-secret-of-thirty-two-bytes-or-more"
GRAPH_VERSION = "v25.0"
# Short enough that hangs and lost answers cost little time, long enough for a loaded machine.
GRAPH_TIMEOUT_SECONDS = 2.0
# A killed worker's residents are taken over after its lease ran out. The lease must also
# outlast a send plus writing its result: on SQLite that write queues for the one write lock
# (busy timeout 30 s), and on a loaded machine it waited 15 s behind four other processes, so a
# 5-s lease ran out and another worker sent the message again without any crash.
LEASE_SECONDS = {"sqlite": 35.0, "postgresql": 5.0}
POLL_SECONDS = {"sqlite": 0.5, "postgresql": 0.2}
DELIVERY_SECONDS = 240.0 if LONG else 120.0
QUIET_TIMEOUT_SECONDS = 240.0 if LONG else 120.0

# Every report of this test session, for the summary at the end (tests/chaos/conftest.py).
REPORTS: list[Report] = []


def loket_env(database_url: str, graph_url: str, folder: Path) -> dict[str, str]:
    """Live-mode settings for the processes: signed webhooks, the fake Graph API, short waits."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "LOKET_"))}
    database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    return {
        **clean,
        "DATABASE_URL": database_url,
        "LOCKER_URL": f"file:{folder / 'locker'}",
        "LOKET_VAR_DIR": str(folder / "var"),
        "LOKET_SECRET_KEY": LIVE_SECRET_KEY,
        "WHATSAPP_ACCESS_TOKEN": TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "chaos-verify-token",
        "WHATSAPP_API_BASE_URL": graph_url,
        "WHATSAPP_API_VERSION": GRAPH_VERSION,
        "WHATSAPP_API_TIMEOUT_SECONDS": str(GRAPH_TIMEOUT_SECONDS),
        "LOKET_RETRY_BASE_SECONDS": "0.05",
        "LOKET_WORKER_LEASE_SECONDS": str(LEASE_SECONDS[database]),
        "LOKET_WORKER_POLL_SECONDS": str(POLL_SECONDS[database]),
        "LOKET_LOG_JSON": "true",
        # Log lines reach the file at once: the test reads them to know a worker is running.
        "PYTHONUNBUFFERED": "1",
    }


class ChaosRun:
    """Starts everything on enter and stops it on exit; `finish()` waits and counts."""

    def __init__(
        self,
        scenario: str,
        database_url: str,
        folder: Path,
        *,
        workers: int,
        fault_rate: float = 0.0,
        seed: int = 0,
        process_database_url: str | None = None,
        serves: int = 1,
        serve_workers: bool = True,
        env: dict[str, str] | None = None,
    ) -> None:
        self.scenario = scenario
        self.database_url = database_url
        self.database = "postgresql" if database_url.startswith("postgresql") else "sqlite"
        self.folder = folder
        self.loop = BackgroundLoop()
        self.graph = ChaosGraph(
            self.loop,
            token=TOKEN,
            phone_number_id=PHONE_NUMBER_ID,
            version=GRAPH_VERSION,
            fault_rate=fault_rate,
            seed=seed,
        )
        graph_url = self.graph.start()
        env = loket_env(process_database_url or database_url, graph_url, folder) | (env or {})
        self.cluster = Cluster(
            env, folder / "logs", workers=workers, serves=serves, serve_workers=serve_workers
        )
        self.disruptions: list[Disruption] = self.cluster.disruptions
        self.started = time.monotonic()

    def __enter__(self) -> ChaosRun:
        try:
            self.cluster.start()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        try:
            self.cluster.stop()
        finally:
            self.graph.stop()
            self.loop.close()

    def meta(self, base_url: str | None = None) -> Meta:
        deadline = time.monotonic() + DELIVERY_SECONDS
        return Meta(base_url or self.cluster.base_url, APP_SECRET.encode(), deadline)

    def finish(self, meta: Meta, plan: list[list[Message]]) -> Report:
        """Wait until Loket is quiet, count, write the artifact and remember the report."""
        engine = sync_engine(self.database_url)
        try:
            quiet = wait_until_quiet(engine, self.graph, QUIET_TIMEOUT_SECONDS)
            report = Report(self.scenario, self.database)
            wamids = {m.wamid for messages in plan for m in messages}
            tally(report, engine, self.graph, meta.acked, wamids, self.disruptions)
        finally:
            engine.dispose()
        report.seconds = round(time.monotonic() - self.started, 1)
        report.deliveries_refused = meta.refused
        report.kills = self.cluster.kills
        report.outage_seconds = round(
            sum(d.end - d.start for d in self.disruptions if d.end > d.start), 1
        )
        report.crashed = self.cluster.exited()
        report.quiet = quiet
        report.write()
        REPORTS.append(report)
        print(report.line())
        return report


def assert_sound(report: Report) -> None:
    """Nothing lost, nothing processed twice, every reply sent, every duplicate explained."""
    assert report.quiet, f"Loket did not settle: {report}"
    assert report.crashed == [], f"processes ended by themselves: {report.crashed}"
    problems = {
        "undelivered": report.undelivered,
        "lost": report.lost,
        "unprocessed": report.unprocessed,
        "set_aside": report.set_aside,
        "processed_twice": report.processed_twice,
        "replies_unsent": report.replies_unsent,
        "events_without_receipt": report.events_without_receipt,
        "recorded_not_taken": report.recorded_not_taken,
        "sent_twice_unexplained": report.sent_twice_unexplained,
    }
    assert problems == dict.fromkeys(problems, 0), report.line()
