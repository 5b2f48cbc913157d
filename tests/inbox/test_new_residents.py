"""New residents of one webhook batch are created together, and identities that overlap inside
the batch still come out as the careful path settles them one by one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bot.payloads import InboundUpdate
from app.inbox.repository import store_updates
from app.residents.models import Resident


def _message(
    wamid: str, *, wa_id: str | None, user_id: str | None = None, name: str | None = None
) -> InboundUpdate:
    return InboundUpdate(
        kind="message",
        dedup_key=f"m:{wamid}",
        external_id=wamid,
        user_id=user_id,
        wa_id=wa_id,
        profile_name=name,
        username=None,
        occurred_at=None,
        payload={"message": {"id": wamid, "type": "text", "text": {"body": "halo"}}},
    )


async def _residents(db: AsyncSession) -> list[tuple[str | None, str | None, str | None]]:
    rows = await db.execute(
        select(Resident.user_id, Resident.wa_id, Resident.name).order_by(Resident.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_a_batch_of_new_people_creates_each_once_with_their_names(
    db_session: AsyncSession,
) -> None:
    outcome = await store_updates(
        db_session,
        [
            _message("n1", wa_id="6281300000002", name="Budi"),
            _message("n2", wa_id="6281300000001", name="Ani"),
            _message("n3", wa_id=None, user_id="ID.tiga", name="Citra"),
            _message("n4", wa_id="6281300000001", name="Ani"),
        ],
    )
    assert (outcome.stored, outcome.duplicates) == (4, 0)
    # Created in the careful path's order: BSUID-less first, then by number.
    assert await _residents(db_session) == [
        (None, "6281300000001", "Ani"),
        (None, "6281300000002", "Budi"),
        ("ID.tiga", None, "Citra"),
    ]


async def test_a_number_and_its_bsuid_new_in_one_batch_are_one_resident(
    db_session: AsyncSession,
) -> None:
    await store_updates(
        db_session,
        [
            _message("b1", wa_id="6281300000009", name="Dewi"),
            _message("b2", wa_id="6281300000009", user_id="ID.dewi", name="Dewi"),
        ],
    )
    assert await _residents(db_session) == [("ID.dewi", "6281300000009", "Dewi")]
