"""Per-resident order after a run: messages handled in the order written, replies sent in the
order they were written, each resident's replies following their messages' order."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.bot.messages import is_status_body
from app.inbox.models import KIND_MESSAGE, InboundEvent
from app.outbox.models import OutboundMessage
from app.residents.models import Resident
from tests.support.chaos.graph_server import ChaosGraph, send_key
from tests.support.chaos.residents import Message


def order_problems(engine: Engine, graph: ChaosGraph, plan: list[list[Message]]) -> list[str]:
    """Every resident whose order broke, with what broke; an empty list when all kept it."""
    with Session(engine) as session:
        events = list(
            session.execute(
                select(InboundEvent, Resident.wa_id)
                .join(Resident)
                .where(InboundEvent.kind == KIND_MESSAGE)
                .order_by(InboundEvent.id)
            )
        )
        rows = list(
            session.execute(
                select(OutboundMessage, Resident.wa_id).join(Resident).order_by(OutboundMessage.id)
            )
        )
    stored: dict[str, list[str]] = defaultdict(list)
    processed: dict[str, list[tuple[int, datetime | None]]] = defaultdict(list)
    for event, wa_id in events:
        stored[wa_id].append(event.external_id)
        processed[wa_id].append((event.id, event.processed_at))
    written: dict[str, list[str]] = defaultdict(list)
    causes: dict[str, list[int]] = defaultdict(list)
    for message, wa_id in rows:
        if is_status_body(message.body):
            continue
        body = dict(message.body) | {"to": f"+{wa_id}"}
        written[wa_id].append(send_key(body))
        if message.caused_by_event_id is not None:
            causes[wa_id].append(message.caused_by_event_id)
    sent: dict[str, list[str]] = defaultdict(list)
    for send in graph.sends:  # in arrival order: a resident's sends go one after the other
        if send.taken and send.key.startswith("+"):
            sent[send.key.split(" ", 1)[0][1:]].append(send.key)
    problems: list[str] = []
    for messages in plan:
        wa_id = messages[0].wa_id
        if stored[wa_id] != [m.wamid for m in messages]:
            problems.append(f"{wa_id}: stored out of order")
        times = [at for _id, at in processed[wa_id]]
        if any(a is None or b is None or a > b for a, b in pairwise(times)):
            problems.append(f"{wa_id}: handled out of order")
        if causes[wa_id] != sorted(causes[wa_id]):
            problems.append(f"{wa_id}: replies written out of order")
        if sent[wa_id] != written[wa_id]:
            problems.append(f"{wa_id}: replies sent out of order or not exactly once")
    return problems
