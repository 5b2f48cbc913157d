"""Storing the collector a resident named: only on their own open request of a service that
allows it; taking it back clears it; both are in the history (the name in the note)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from app.db import unit_of_work
from app.flows.catalog import shipped_catalog
from app.requests import proxy
from app.requests.models import Request, RequestEvent
from tests.support.request_rows import create_request

NIK = "7307054506900002"


async def _name(sessionmaker, resident_id: int, ticket: str, name: str | None) -> bool:
    async with unit_of_work(sessionmaker) as session:
        return await proxy.name_collector(
            session,
            catalog=shipped_catalog(),
            resident_id=resident_id,
            ticket=ticket,
            name=name,
            nik=NIK if name else None,
            now=datetime.now(UTC),
        )


async def _row(sessionmaker, ticket: str) -> Request:
    async with sessionmaker() as session:
        return (await session.execute(select(Request).where(Request.ticket == ticket))).scalar_one()


async def test_named_then_taken_back(sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, service="kk", status="processing")
    resident_id = (await _row(sessionmaker, ticket)).resident_id
    assert await _name(sessionmaker, resident_id, ticket, "Rina Wati") is True
    request = await _row(sessionmaker, ticket)
    assert (request.proxy_name, request.proxy_nik) == ("Rina Wati", NIK)
    assert await _name(sessionmaker, resident_id, ticket, None) is True
    request = await _row(sessionmaker, ticket)
    assert (request.proxy_name, request.proxy_nik) == (None, None)
    async with sessionmaker() as session:
        rows = await session.execute(
            select(RequestEvent.actor, RequestEvent.note, RequestEvent.data)
            .where(RequestEvent.data["kind"].as_string() == "proxy")
            .order_by(RequestEvent.id)
        )
        assert [tuple(r) for r in rows] == [
            ("resident", "Rina Wati", {"kind": "proxy", "cleared": False}),
            ("resident", None, {"kind": "proxy", "cleared": True}),
        ]


async def test_refused_for_a_ktp_another_resident_or_a_finished_request(sessionmaker) -> None:
    _, ktp = await create_request(sessionmaker, service="ktp", status="processing")
    owner = (await _row(sessionmaker, ktp)).resident_id
    assert await _name(sessionmaker, owner, ktp, "Rina Wati") is False
    _, kk = await create_request(
        sessionmaker, wa_id="6281200008888", service="kk", status="completed"
    )
    kk_owner = (await _row(sessionmaker, kk)).resident_id
    assert await _name(sessionmaker, kk_owner, kk, "Rina Wati") is False
    _, open_kk = await create_request(
        sessionmaker, wa_id="6281200009999", service="kk", status="processing"
    )
    assert await _name(sessionmaker, owner, open_kk, "Rina Wati") is False  # not theirs
    assert (await _row(sessionmaker, open_kk)).proxy_name is None
