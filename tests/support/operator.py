"""The operator's side of the end-to-end conversation tests: move a request, read it back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.db import unit_of_work
from app.locker.models import Document
from app.requests import lifecycle
from app.requests.models import RequestDocument, RequestEvent
from app.requests.repository import get_by_ticket
from app.requests.status import RequestStatus
from tests.support.loket import Loket


async def move(
    loket: Loket,
    ticket: str,
    to: str,
    *,
    documents: Sequence[int] = (),
    fields: Sequence[str] = (),
    note: str | None = None,
    actor: str = "operator:budi",
) -> None:
    """The operator's transition, committed as the dashboard and the API commit it."""
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        request = await get_by_ticket(session, ticket)
        assert request is not None
        await lifecycle.apply_transition(
            session,
            catalog=loket.runtime.catalog,
            settings=loket.runtime.settings,
            request=request,
            to=RequestStatus(to),
            actor=actor,
            note=note,
            documents=documents,
            fields=fields,
            now=datetime.now(UTC),
        )


@dataclass(frozen=True)
class Filed:
    """A request as the operator finds it: status, answers, documents, history."""

    ticket: str
    status: str
    fields: dict[str, Any]
    documents: dict[str, list[int]]  # requirement → document ids, in id order
    reused: dict[int, bool]  # document id → attached as reused from the locker
    history: list[tuple[str, str | None, str | None]]  # (actor, to_status, note)
    last_data: dict[str, Any]  # what the last status change recorded beside its note
    delivery: str = "pickup"  # how the result reaches the resident


async def filed(loket: Loket, ticket: str) -> Filed:
    async with loket.runtime.sessionmaker() as session:
        request = await get_by_ticket(session, ticket)
        assert request is not None
        links = (
            await session.execute(
                select(RequestDocument)
                .where(RequestDocument.request_id == request.id)
                .order_by(RequestDocument.document_id)
            )
        ).scalars()
        documents: dict[str, list[int]] = {}
        reused: dict[int, bool] = {}
        for link in links:
            documents.setdefault(link.requirement, []).append(link.document_id)
            reused[link.document_id] = link.reused
        events = (
            (
                await session.execute(
                    select(RequestEvent)
                    .where(
                        RequestEvent.request_id == request.id, RequestEvent.to_status.is_not(None)
                    )
                    .order_by(RequestEvent.id)
                )
            )
            .scalars()
            .all()
        )
        history = [(e.actor, e.to_status, e.note) for e in events]
        last_data = dict(events[-1].data or {})
        return Filed(
            ticket,
            request.status,
            dict(request.fields),
            documents,
            reused,
            history,
            last_data,
            request.delivery,
        )


async def held_for(loket: Loket, document_ids: Sequence[int]) -> dict[int, tuple[str | None, bool]]:
    """The locker's view of documents: the request each is held for, and whether released."""
    async with loket.runtime.sessionmaker() as session:
        rows = (
            await session.execute(select(Document).where(Document.id.in_(document_ids)))
        ).scalars()
        return {d.id: (d.request_ref, d.released_at is not None) for d in rows}
