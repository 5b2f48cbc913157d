"""How many SQL statements one conversation step costs: claim, load the session, run the engine,
write the outbox, commit. Pinned so a needless query added to the step shows up here.

The figure is the same on SQLite and PostgreSQL except for the lock of the claim, which both
express inside the same statements (`FOR UPDATE SKIP LOCKED` is a clause, not a query)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from sqlalchemy import event

from tests.support.environment import _backend
from tests.support.loket import Loket
from tests.support.resident import text_message


def _verb(statement: str) -> str:
    words = statement.split()
    verb = words[0].upper() if words else ""
    if verb in ("SELECT", "UPDATE", "INSERT"):
        table = re.search(r"\b(?:FROM|UPDATE|INTO)\s+(\w+)", statement, re.IGNORECASE)
        return f"{verb} {table.group(1) if table else '?'}"
    return verb


async def _count_one_step(loket: Loket, wamid: str, body: str) -> Counter[str]:
    """Store one message, then count the statements of the worker's handling of it."""
    assert (await loket.post_webhook(text_message(wamid, body))).status_code == 200
    counted: Counter[str] = Counter()

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counted[_verb(statement)] += 1

    sync_engine = loket.runtime.engine.sync_engine
    event.listen(sync_engine, "before_cursor_execute", note)
    try:
        assert await loket.workers.inbound.run_once() == 1
    finally:
        event.remove(sync_engine, "before_cursor_execute", note)
    return counted


async def test_statements_of_one_conversation_step(loket: Loket) -> None:
    # The first message creates the conversation; the second is an ordinary step.
    await _count_one_step(loket, "wamid.step.1", "halo")
    await loket.drain()
    counted = await _count_one_step(loket, "wamid.step.2", "mau buat KTP")
    print(f"statements per conversation step: {sum(counted.values())} {dict(counted)}")
    # SQLite opens each transaction with an explicit BEGIN IMMEDIATE; asyncpg's BEGIN is implicit.
    expected = STEP_STATEMENTS | ({"BEGIN": 1} if _backend() == "sqlite" else {})
    assert dict(counted) == expected
    assert sum(counted.values()) == (18 if _backend() == "sqlite" else 17)


# Measured, then pinned (bench/RESULTS.md, "Workers and scale-out"). Two UPDATEs per reply that
# set its fallback after the INSERT are gone (21 -> 19 statements on SQLite, 19 -> 17 on
# PostgreSQL); reading what the resident let us remember (memory across requests) added one
# (20 and 18). The worker's next claim, finding nothing, now runs in the step's transaction
# instead of a transaction of its own (one BEGIN less), and the conversation row is written once
# per turn (18 and 17).
STEP_STATEMENTS: dict[str, int] = {
    "SELECT inbound_event": 3,  # claim the oldest event, lock the resident's pending ones, next
    "SAVEPOINT": 1,
    "SELECT resident": 1,
    "UPDATE outbound_message": 1,  # release what was held for the resident
    "INSERT outbound_message": 3,  # read receipt and the two replies
    "SELECT conversation": 1,
    "SELECT request": 1,
    "SELECT office": 1,
    "SELECT document": 1,
    "SELECT resident_memory": 1,  # consent and what may be reused (app/memory)
    "UPDATE conversation": 1,  # snapshot, status and wait expiry together
    "RELEASE": 1,
    "UPDATE inbound_event": 1,  # processed_at
}
