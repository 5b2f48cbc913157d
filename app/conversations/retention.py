"""Retention beyond the files: redact the personal data kept with a request that ended long ago.

The locker purges a request's files `retention_days` after it ended (`app.locker.purge`). The
same day, this removes what else holds its NIK, KK number, names, address and birth date:

- the request's answers (`fields`, `warnings`), its pickup place and the notes of its history;
  the service, office, status, channel, ticket and dates stay for the figures;
- the resident's messages and Loket's replies that belong to it (the attribution rule of
  `request_chat`), or to no request at all, once older than the retention period;
- the conversation snapshot's copy of its answers, and a whole conversation untouched for the
  retention period (app/conversations/redaction.py).

Messages that belong to a request still open or within its retention period are left alone, and
so is a conversation in progress (waiting for an answer, or with an operator). Each redacted row
gets `redacted_at`; a row already redacted is not read again, so a second run changes nothing.
Work is committed per resident; nothing here waits on the network. Writes check that the row
did not move meanwhile (a resident who wrote at that moment keeps their new snapshot).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Select, and_, or_, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.conversations.models import Conversation
from app.conversations.redaction import (
    REDACTED,
    prune_snapshot,
    redact_history_data,
    redact_json,
)
from app.conversations.request_chat import Timeline, load_timeline
from app.conversations.transcript import ChatLine, inbound_line, outbound_line
from app.inbox.models import KIND_INTERNAL, KIND_MESSAGE, InboundEvent
from app.observability import RETENTION_REDACTED
from app.outbox import service as outbox
from app.outbox.models import OutboundMessage, OutboxState
from app.requests.models import Request, RequestEvent
from app.requests.status import FINAL

log = structlog.get_logger(__name__)

# A conversation in progress: never touched.
ACTIVE = frozenset({"waiting", "handoff"})
_FINAL = [s.value for s in FINAL]
_SETTLED = [OutboxState.SENT, OutboxState.GIVEN_UP, OutboxState.CANCELLED]


@dataclass
class RedactionReport:
    """What one run redacted, in rows."""

    residents: int = 0  # residents looked at
    requests: int = 0
    inbound: int = 0
    outbound: int = 0
    conversations: int = 0


def _inbound_due(cutoff: datetime) -> Any:
    return and_(
        InboundEvent.redacted_at.is_(None),
        InboundEvent.kind.in_((KIND_MESSAGE, KIND_INTERNAL)),
        InboundEvent.processed_at.is_not(None),
        InboundEvent.received_at < cutoff,
    )


def _outbound_due(cutoff: datetime) -> Any:
    return and_(
        OutboundMessage.redacted_at.is_(None),
        OutboundMessage.state.in_(_SETTLED),
        OutboundMessage.created_at < cutoff,
    )


def _requests_due(cutoff: datetime) -> Any:
    # `updated_at` is set by the move to the final status (later changes only delay this).
    return and_(
        Request.redacted_at.is_(None), Request.status.in_(_FINAL), Request.updated_at < cutoff
    )


def _conversations_due(cutoff: datetime) -> Any:
    return and_(
        Conversation.status.not_in(ACTIVE),
        Conversation.updated_at < cutoff,
        or_(Conversation.redacted_at.is_(None), Conversation.redacted_at < Conversation.updated_at),
    )


async def residents_due(
    session: AsyncSession, cutoff: datetime, after: int, limit: int
) -> list[int]:
    """Residents (by id, above `after`) with a row retention may have to redact."""
    parts: list[Select[Any]] = [
        select(InboundEvent.resident_id.label("rid")).where(_inbound_due(cutoff)),
        select(OutboundMessage.resident_id.label("rid")).where(_outbound_due(cutoff)),
        select(Request.resident_id.label("rid")).where(_requests_due(cutoff)),
        select(Conversation.resident_id.label("rid")).where(_conversations_due(cutoff)),
    ]
    due = union(*parts).subquery()
    stmt = select(due.c.rid).where(due.c.rid > after).order_by(due.c.rid).limit(limit)
    return [int(rid) for rid in (await session.execute(stmt)).scalars()]


async def redact_expired(
    session: AsyncSession, now: datetime, retention_days: int, *, batch_size: int = 200
) -> RedactionReport:
    """Apply the retention period to messages, conversations and answers as of `now`."""
    report = RedactionReport()
    cutoff = now - timedelta(days=retention_days)
    after = 0
    while True:
        residents = await residents_due(session, cutoff, after, batch_size)
        await session.commit()  # end the read transaction (SQLite takes its lock on BEGIN)
        for resident_id in residents:
            await _redact_resident(session, resident_id, now, cutoff, report)
            await session.commit()
        report.residents += len(residents)
        if len(residents) < batch_size:
            break
        after = residents[-1]
    for kind in ("requests", "inbound", "outbound", "conversations"):
        RETENTION_REDACTED.labels(kind).inc(getattr(report, kind))
    log.info("retention.redacted", **vars(report))
    return report


async def _redact_resident(
    session: AsyncSession,
    resident_id: int,
    now: datetime,
    cutoff: datetime,
    report: RedactionReport,
) -> None:
    timeline = await load_timeline(session, resident_id)
    expired = frozenset(t for t, ended in timeline.endings.items() if ended < cutoff)
    kept = frozenset(r.ticket for r in timeline.requests) - expired
    conversation = (
        await session.execute(select(Conversation).where(Conversation.resident_id == resident_id))
    ).scalar_one_or_none()
    active = conversation is not None and conversation.status in ACTIVE
    await _redact_messages(session, resident_id, timeline, expired, active, now, cutoff, report)
    for request in timeline.requests:
        if request.ticket in expired and request.redacted_at is None:
            report.requests += await _redact_request(session, request, timeline, now)
    if conversation is not None and not active:
        report.conversations += await _prune_conversation(
            session, conversation, expired, kept, now, cutoff
        )


async def _redact_messages(
    session: AsyncSession,
    resident_id: int,
    timeline: Timeline,
    expired: frozenset[str],
    active: bool,
    now: datetime,
    cutoff: datetime,
    report: RedactionReport,
) -> None:
    """Redact the resident's old messages that belong only to expired requests (or to none)."""
    inbound = (
        (
            await session.execute(
                select(InboundEvent).where(
                    InboundEvent.resident_id == resident_id, _inbound_due(cutoff)
                )
            )
        )
        .scalars()
        .all()
    )
    outbound = (
        (
            await session.execute(
                select(OutboundMessage).where(
                    OutboundMessage.resident_id == resident_id, _outbound_due(cutoff)
                )
            )
        )
        .scalars()
        .all()
    )
    replies = await _reply_tickets(session, timeline, [e.id for e in inbound])

    def due(line: ChatLine, named: frozenset[str] = frozenset()) -> bool:
        owners = timeline.owners(line, named)
        # A message of no request may be part of the conversation in progress.
        return owners <= expired and (bool(owners) or not active)

    for event in inbound:
        if due(inbound_line(event), replies.get(event.id, frozenset())):
            payload = redact_json(event.payload, timeline.named)
            await session.execute(
                update(InboundEvent)
                .where(InboundEvent.id == event.id)
                .values(payload=payload, redacted_at=now)
            )
            report.inbound += 1
    for row in outbound:
        line = outbound_line(row, "id") or ChatLine(row.created_at, False, "")
        if due(line):
            body = redact_json(row.body, timeline.named)
            fallback = None if row.fallback is None else redact_json(row.fallback, timeline.named)
            await outbox.redact(session, row.id, body=body, fallback=fallback, now=now)
            report.outbound += 1


async def _reply_tickets(
    session: AsyncSession, timeline: Timeline, event_ids: list[int]
) -> dict[int, frozenset[str]]:
    """Per inbound event, the tickets Loket's replies to it named (attribution rule 1)."""
    if not event_ids:
        return {}
    rows = (
        (
            await session.execute(
                select(OutboundMessage).where(OutboundMessage.caused_by_event_id.in_(event_ids))
            )
        )
        .scalars()
        .all()
    )
    named: dict[int, frozenset[str]] = {}
    for row in rows:
        line = outbound_line(row, "id")
        if line is not None and row.caused_by_event_id is not None:
            key = row.caused_by_event_id
            named[key] = named.get(key, frozenset()) | timeline.named(line.text)
    return named


async def _redact_request(
    session: AsyncSession, request: Request, timeline: Timeline, now: datetime
) -> int:
    """Drop the request's answers and the free text of its history; 1 if it was redacted."""
    moved = await session.execute(
        update(Request)
        .where(Request.id == request.id, Request.updated_at == request.updated_at)
        .values(
            fields={},
            warnings=[],
            pickup_place=None,
            proxy_name=None,
            proxy_nik=None,
            redacted_at=now,
            updated_at=request.updated_at,  # the request did not change for its figures
        )
        .execution_options(synchronize_session=False)
    )
    if not getattr(moved, "rowcount", 0):
        return 0  # an operator changed it meanwhile: the next run looks again
    events = (
        (await session.execute(select(RequestEvent).where(RequestEvent.request_id == request.id)))
        .scalars()
        .all()
    )
    for event in events:
        data = redact_history_data(dict(event.data or {}), timeline.named)
        note = REDACTED if event.note and event.note.strip() else event.note
        if data != (event.data or {}) or note != event.note:
            await session.execute(
                update(RequestEvent).where(RequestEvent.id == event.id).values(data=data, note=note)
            )
    return 1


async def _prune_conversation(
    session: AsyncSession,
    conversation: Conversation,
    expired: frozenset[str],
    kept: frozenset[str],
    now: datetime,
    cutoff: datetime,
) -> int:
    """Prune an idle conversation's snapshot (module docstring); 1 if it changed."""
    stale = conversation.updated_at < cutoff
    already = conversation.redacted_at is not None and conversation.redacted_at >= (
        conversation.updated_at
    )
    snapshot = dict(conversation.snapshot or {})
    pruned = prune_snapshot(snapshot, expired, kept, stale=stale)
    if pruned == snapshot and (already or not stale):
        return 0
    moved = await session.execute(
        update(Conversation)
        .where(
            Conversation.id == conversation.id,
            Conversation.updated_at == conversation.updated_at,
            Conversation.status == conversation.status,
        )
        .values(snapshot=pruned, redacted_at=now, updated_at=conversation.updated_at)
        .execution_options(synchronize_session=False)
    )
    # Not written when the resident wrote meanwhile: the next run looks again.
    return int(pruned != snapshot and bool(getattr(moved, "rowcount", 0)))
