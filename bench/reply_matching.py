"""Joining the whole-service bench's replies to the messages that caused them.

Three logs meet here: wrk's send log (bench/wrk_paced.lua: inbound wamid, wall-clock µs), the fake
Graph's log (bench/fake_graph.py: wall-clock µs, the wamid it gave the reply) and Loket's own tables
(the outbox row keeps that wamid and `caused_by_event_id`). Keys of the bench's inbound messages end
in `.<seq>`, the message's place in its resident's conversation.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile (NaN when there are none)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def answered_at(first: dict[str, int], stored: set[str]) -> dict[str, int]:
    """Inbound wamid -> when the resident first got a reply to it or to a later message.

    A worker that finds several messages of one resident waiting may answer them with one
    turn (the reply is caused by the last), so message k is answered by the first reply caused
    by message k or later of the same resident (keys end in `.<seq>`)."""
    by_resident: dict[str, list[str]] = {}
    for key in sorted(stored, key=lambda k: int(k.rsplit(".", 1)[1])):
        by_resident.setdefault(key.rsplit(".", 1)[0], []).append(key)
    answered: dict[str, int] = {}
    for keys in by_resident.values():
        soonest: int | None = None
        for key in reversed(keys):
            if key in first:
                soonest = first[key] if soonest is None else min(soonest, first[key])
            if soonest is not None:
                answered[key] = soonest
    return answered


def replies(database_url: str, graph_log: Path) -> dict[str, int]:
    """Inbound wamid -> wall-clock µs of its first reply POSTed to the fake Graph."""
    posted: dict[str, int] = {}
    for line in graph_log.read_text().splitlines():
        at, wamid, _to = line.split("\t")
        if wamid != "-":
            posted[wamid] = int(at)
    sql = (
        "SELECT i.external_id, o.wamid FROM outbound_message o "
        "JOIN inbound_event i ON i.id = o.caused_by_event_id WHERE o.wamid IS NOT NULL"
    )
    first: dict[str, int] = {}
    for inbound, wamid in query(database_url, sql):
        if wamid in posted:
            first[inbound] = min(first.get(inbound, posted[wamid]), posted[wamid])
    return first


def query(database_url: str, sql: str) -> list[tuple[str, ...]]:
    with sqlite3.connect(database_url.split("///", 1)[1]) as conn:
        return [tuple(str(cell) for cell in row) for row in conn.execute(sql)]


def sends(sendlog: Path) -> dict[str, int]:
    """Inbound wamid -> wall-clock µs at which wrk sent it (every thread's log)."""
    sent: dict[str, int] = {}
    for part in sendlog.parent.glob(sendlog.name + ".*"):
        for line in part.read_text().splitlines():
            key, at = line.split("\t")
            sent[key] = int(at)
    return sent
