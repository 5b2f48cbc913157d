"""Changing how a request reaches the resident: only their own request, only before processing,
only a way its service offers; each change is a history row the office reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.db import unit_of_work
from app.flows.catalog import shipped_catalog
from app.requests import delivery_way
from app.requests.models import Request, RequestEvent
from tests.support.request_rows import create_request


async def _change(sessionmaker, resident_id: int, ticket: str, way: str) -> bool:
    async with unit_of_work(sessionmaker) as session:
        return await delivery_way.change_delivery(
            session,
            catalog=shipped_catalog(),
            resident_id=resident_id,
            ticket=ticket,
            way=way,
            actor="resident",
            now=datetime.now(UTC),
        )


async def _row(sessionmaker, ticket: str) -> Request:
    async with sessionmaker() as session:
        return (await session.execute(select(Request).where(Request.ticket == ticket))).scalar_one()


async def test_a_kk_in_review_goes_digital_with_a_history_row(sessionmaker) -> None:
    request_id, ticket = await create_request(sessionmaker, service="kk", status="in_review")
    resident_id = (await _row(sessionmaker, ticket)).resident_id
    assert await _change(sessionmaker, resident_id, ticket, "digital") is True
    assert await _change(sessionmaker, resident_id, ticket, "digital") is False  # already
    assert (await _row(sessionmaker, ticket)).delivery == "digital"
    async with sessionmaker() as session:
        rows = await session.execute(
            select(RequestEvent.actor, RequestEvent.to_status, RequestEvent.data).where(
                RequestEvent.request_id == request_id, RequestEvent.to_status.is_(None)
            )
        )
        assert list(rows) == [
            ("resident", None, {"kind": "delivery", "from": "pickup", "to": "digital"})
        ]


@pytest.mark.parametrize(
    ("service", "status", "way"),
    [
        ("kk", "processing", "home"),  # the office has started: too late
        ("kk", "ready_for_pickup", "digital"),
        ("ktp", "submitted", "digital"),  # a card does not travel as a PDF
    ],
)
async def test_a_change_the_request_cannot_take_is_refused(
    sessionmaker, service: str, status: str, way: str
) -> None:
    _, ticket = await create_request(sessionmaker, service=service, status=status)
    resident_id = (await _row(sessionmaker, ticket)).resident_id
    assert await _change(sessionmaker, resident_id, ticket, way) is False
    assert (await _row(sessionmaker, ticket)).delivery == "pickup"


async def test_another_residents_request_is_not_changed(sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="submitted")
    resident_id = (await _row(sessionmaker, ticket)).resident_id
    assert await _change(sessionmaker, resident_id + 1, ticket, "home") is False
    assert (await _row(sessionmaker, ticket)).delivery == "pickup"
