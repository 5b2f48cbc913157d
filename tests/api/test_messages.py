"""`POST /api/v1/requests/{ticket}/messages`: a reply inside the 24-hour window, 409 outside it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from app.db import unit_of_work, utcnow
from app.outbox.models import OutboundMessage
from app.requests.models import RequestEvent
from app.residents.models import Resident
from tests.support.clients import Api
from tests.support.factories import SITI, World, seed_requests

TICKET = "KTP-261120-0001"


@pytest.fixture
async def seeded(api: Api, world: World) -> World:
    await seed_requests(api.sessionmaker, world)
    return world


async def _siti_wrote(api: Api, ago: timedelta) -> None:
    async with unit_of_work(api.sessionmaker) as session:
        await session.execute(
            update(Resident).where(Resident.wa_id == SITI[0]).values(last_inbound_at=utcnow() - ago)
        )


async def _reply(api: Api, world: World, user: str, body: dict[str, Any], ticket: str = TICKET):
    return await api.client.post(
        f"/api/v1/requests/{ticket}/messages", json=body, headers=world.auth(user)
    )


async def _notes(api: Api) -> list[tuple[str, str | None, str | None, str | None]]:
    async with api.sessionmaker() as session:
        events = await session.execute(
            select(RequestEvent).where(RequestEvent.to_status.is_(None)).order_by(RequestEvent.id)
        )
        return [(e.actor, e.from_status, e.to_status, e.note) for e in events.scalars()]


async def _outbox_count(api: Api) -> int:
    async with api.sessionmaker() as session:
        return len((await session.execute(select(OutboundMessage.id))).all())


async def test_a_reply_inside_the_window_is_sent_and_recorded(api: Api, seeded: World) -> None:
    await _siti_wrote(api, timedelta(hours=2))
    response = await _reply(api, seeded, "desa_a1", {"text": "Berkas Ibu sedang kami periksa."})
    assert response.status_code == 200, response.text
    assert response.json() == {"ticket": TICKET, "outcome": "sent"}
    assert await _notes(api) == [
        ("operator:desa_a1", None, None, "Berkas Ibu sedang kami periksa.")
    ]
    assert await _outbox_count(api) == 1


@pytest.mark.parametrize("ago", [None, timedelta(hours=25)])
async def test_outside_the_window_a_template_is_needed(
    api: Api, seeded: World, ago: timedelta | None
) -> None:
    if ago is not None:
        await _siti_wrote(api, ago)
    response = await _reply(api, seeded, "desa_a1", {"text": "Halo"})
    assert response.status_code == 409
    assert response.json() == {"detail": "outside the 24-hour window: a template is needed"}
    assert await _notes(api) == []
    assert await _outbox_count(api) == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "   \n"},
        {"text": "x" * 4097},
        {"text": "a", "to": "b"},
        {"text": 5},
        {"text": "nul \x00"},
    ],
)
async def test_an_invalid_message_is_422(api: Api, seeded: World, body: dict[str, Any]) -> None:
    await _siti_wrote(api, timedelta(hours=1))
    response = await _reply(api, seeded, "desa_a1", body)
    assert response.status_code == 422
    assert await _outbox_count(api) == 0


async def test_the_longest_message_is_accepted(api: Api, seeded: World) -> None:
    await _siti_wrote(api, timedelta(hours=1))
    response = await _reply(api, seeded, "desa_a1", {"text": "x" * 4096})
    assert response.status_code == 200


async def test_outside_the_scope_a_reply_is_404(api: Api, seeded: World) -> None:
    await _siti_wrote(api, timedelta(hours=1))
    response = await _reply(api, seeded, "desa_b1", {"text": "Halo"})
    assert response.status_code == 404
    assert response.json() == {"detail": "request not found"}
    assert await _outbox_count(api) == 0
    assert (await _reply(api, seeded, "root", {"text": "Halo"}, "KTP-0")).status_code == 404
