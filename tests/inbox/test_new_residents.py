"""New residents of one webhook batch are created together, and identities that overlap inside
the batch still come out as the careful path settles them one by one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.inbox.repository import store_updates
from tests.support.inbound import inbound_message, resident_identities


async def test_a_batch_of_new_people_creates_each_once_with_their_names(
    db_session: AsyncSession,
) -> None:
    outcome = await store_updates(
        db_session,
        [
            inbound_message("n1", wa_id="6281300000002", name="Budi"),
            inbound_message("n2", wa_id="6281300000001", name="Ani"),
            inbound_message("n3", wa_id=None, user_id="ID.tiga", name="Citra"),
            inbound_message("n4", wa_id="6281300000001", name="Ani"),
        ],
    )
    assert (outcome.stored, outcome.duplicates) == (4, 0)
    # Created in the careful path's order: BSUID-less first, then by number.
    assert await resident_identities(db_session) == [
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
            inbound_message("b1", wa_id="6281300000009", name="Dewi"),
            inbound_message("b2", wa_id="6281300000009", user_id="ID.dewi", name="Dewi"),
        ],
    )
    assert await resident_identities(db_session) == [("ID.dewi", "6281300000009", "Dewi")]
