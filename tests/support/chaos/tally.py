"""After a chaos run: wait until Loket is quiet, then count what was lost, doubled or never sent.

Inbound side, from the database: every message Meta delivered (Loket answered 200) has exactly
one inbox row, processed and not set aside. An event processed twice would have written its
replies twice, so two identical outbox rows caused by one event count as "processed twice".

Outbound side, from the fake Graph API: each outbox row marked sent must have been taken by
Meta once. Rows and sends are matched by recipient and exact body (`send_key`); a key Meta took
more often than there are sent rows for it is a duplicate the resident saw. A duplicate is
*explained* when a disruption (a SIGKILL, the database gone) fell between its first and last
send, or when Meta's answer to one of its sends never arrived; any other is a finding.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.bot.messages import is_status_body
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage, OutboxState
from app.residents.models import Resident
from tests.support.chaos.cluster import REPO, Disruption
from tests.support.chaos.graph_server import ChaosGraph, send_key

ARTIFACTS = REPO / "test-artifacts"
QUIET_SECONDS = 1.5


def sync_engine(async_url: str) -> Engine:
    """A plain engine on the same database, for counting from the test's thread."""
    url = async_url.replace("sqlite+aiosqlite", "sqlite").replace(
        "postgresql+asyncpg", "postgresql+psycopg"
    )
    return create_engine(url)


def wait_until_quiet(engine: Engine, graph: ChaosGraph, timeout: float) -> bool:
    """True once nothing is pending in the inbox or the outbox and Meta heard nothing for a
    moment; False when `timeout` seconds passed first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(engine) as session:
            inbound = session.scalar(
                select(func.count()).where(InboundEvent.processed_at.is_(None))
            )
            outbound = session.scalar(
                select(func.count()).where(OutboundMessage.state == OutboxState.PENDING.value)
            )
        if not inbound and not outbound and time.monotonic() - graph.last_send_at() > QUIET_SECONDS:
            return True
        time.sleep(0.3)
    return False


@dataclass
class Report:
    """The figures of one run; `write()` puts them in test-artifacts/chaos-<scenario>-<db>.json."""

    scenario: str
    database: str
    seconds: float = 0.0
    messages: int = 0  # distinct messages residents wrote
    deliveries_refused: int = 0  # webhook answers other than 200 (Meta retried them)
    undelivered: int = 0  # never answered 200 before the deadline
    kills: int = 0
    outage_seconds: float = 0.0
    lost: int = 0  # answered 200, yet no inbox row
    unprocessed: int = 0  # inbox rows still pending
    set_aside: int = 0  # inbox rows given up after repeated failures
    processed_twice: int = 0
    replies: int = 0  # outbox rows of real messages (not receipts or typing indicators)
    replies_unsent: int = 0  # of those, not marked sent
    events_without_receipt: int = 0  # messages processed without their read receipt queued
    # Messages the bot answered with no text of its own (it may stay silent by design, e.g.
    # while an operator has taken the conversation over): reported, not a failure by itself.
    events_without_reply: int = 0
    recorded_not_taken: int = 0  # marked sent, but Meta never took it
    receipts_given_up: int = 0  # read receipts/typing indicators dropped after a failure
    sends: int = 0  # calls to Meta's /messages
    faults: dict[str, int] = field(default_factory=dict)
    answers_lost: int = 0  # Meta took the message, but its answer never arrived
    sent_twice: int = 0
    sent_twice_explained: int = 0
    sent_twice_unexplained: int = 0
    disruptions: list[str] = field(default_factory=list)
    doubled: list[dict[str, Any]] = field(default_factory=list)  # each message sent twice
    quiet: bool = False  # the inbox and outbox emptied before the timeout
    crashed: list[str] = field(default_factory=list)  # processes that ended by themselves

    def write(self) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"chaos-{self.scenario}-{self.database}.json"
        path.write_text(json.dumps(asdict(self), indent=2) + "\n")
        return path

    def line(self) -> str:
        return (
            f"chaos {self.scenario} on {self.database}: {self.messages} messages, "
            f"{self.kills} kills, lost {self.lost}, processed twice {self.processed_twice}, "
            f"replies unsent {self.replies_unsent}, sent twice {self.sent_twice} "
            f"({self.sent_twice_unexplained} unexplained) in {self.sends} sends, "
            f"{self.seconds:.0f} s"
        )


def tally(
    report: Report,
    engine: Engine,
    graph: ChaosGraph,
    acked: set[str],
    wamids: set[str],
    disruptions: list[Disruption],
) -> Report:
    """Fill `report` from the database and the fake's record."""
    with Session(engine) as session:
        events = list(
            session.scalars(select(InboundEvent).where(InboundEvent.kind == KIND_MESSAGE))
        )
        rows = list(session.execute(select(OutboundMessage, Resident.wa_id).join(Resident)))
    stored = Counter(e.external_id for e in events)
    report.messages = len(wamids)
    report.undelivered = len(wamids - acked)
    report.lost = sum(1 for wamid in acked if stored[wamid] == 0)
    report.unprocessed = sum(1 for e in events if e.processed_at is None)
    report.set_aside = sum(1 for e in events if e.failed_at is not None)
    _outbound(report, rows, {e.id for e in events})
    _sends(report, rows, graph, disruptions)
    return report


def _outbound(report: Report, rows: list[Any], event_ids: set[int]) -> None:
    by_event: dict[int, Counter[str]] = defaultdict(Counter)
    answered: set[int] = set()
    receipted: set[int] = set()
    for message, _wa_id in rows:
        if message.caused_by_event_id is not None:
            by_event[message.caused_by_event_id][json.dumps(message.body, sort_keys=True)] += 1
        if is_status_body(message.body):
            if message.caused_by_event_id is not None:
                receipted.add(message.caused_by_event_id)
            report.receipts_given_up += message.state == OutboxState.GIVEN_UP.value
            continue
        report.replies += 1
        report.replies_unsent += message.state != OutboxState.SENT.value
        if message.caused_by_event_id is not None:
            answered.add(message.caused_by_event_id)
    report.processed_twice = sum(1 for c in by_event.values() if max(c.values()) > 1)
    report.events_without_reply = len(event_ids - answered)
    report.events_without_receipt = len(event_ids - receipted)


def _sends(report: Report, rows: list[Any], graph: ChaosGraph, disruptions: list[Disruption]):
    # `recorded`: rows marked sent; `written`: every row (a receipt Meta took once before its
    # answer was lost is given up, yet was sent once, not twice).
    recorded: Counter[str] = Counter()
    written: Counter[str] = Counter()
    for message, wa_id in rows:
        body = dict(message.body)
        if not is_status_body(body):
            body["to"] = f"+{wa_id}"
        written[send_key(body)] += 1
        recorded[send_key(body)] += message.state == OutboxState.SENT.value
    sends = graph.sends
    report.sends = len(sends)
    report.faults = dict(sorted(Counter(s.outcome for s in sends).items()))
    report.answers_lost = sum(1 for s in sends if s.outcome == "timeout")
    taken: dict[str, list[float]] = defaultdict(list)
    origin = sends[0].at if sends else 0.0  # times in the report count from the first send
    answer_lost: set[str] = set()
    for send in sends:
        if send.taken:
            taken[send.key].append(send.at)
        if send.outcome == "timeout":
            answer_lost.add(send.key)
    for key, count in recorded.items():
        report.recorded_not_taken += max(0, count - len(taken.get(key, [])))
    for key, times in taken.items():
        extra = len(times) - written.get(key, 0)
        if extra <= 0:
            continue
        report.sent_twice += extra
        explained = key in answer_lost or any(
            d.start <= times[-1] and d.end >= times[0] for d in disruptions
        )
        if explained:
            report.sent_twice_explained += extra
        else:
            report.sent_twice_unexplained += extra
        report.doubled.append(
            {
                "message": key[:160],
                "sent_at": [round(t - origin, 2) for t in times],
                "explained": explained,
            }
        )
    report.disruptions = [
        f"{d.what} at {d.start - origin:.2f}-{d.end - origin:.2f} s" for d in disruptions
    ]
