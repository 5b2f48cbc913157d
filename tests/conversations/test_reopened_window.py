"""The message that re-opens Meta's 24-hour window is no answer to a question not yet seen.

The walkthrough: a request taken down at the counter for a new number, the operator asks to
correct the address, the resident (outside the window) gets "a message is waiting" and writes
"iya ada apa?". The held messages go out, ending with the question; nothing is saved as the
address and the request stays in `needs_correction`; the resident's next message answers.
Residents answer the invitation sideways, so several first messages are tried.

And: when Meta refuses a correction request with 131047 although our clock thought the window
open, the messages are held behind one waiting template instead of being given up.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.outbox.models import OutboundMessage
from tests.support.clients import world  # noqa: F401  (offices and operators for the dashboard)
from tests.support.corrections import apply_ktp_hilang, counter_request_needing_an_address
from tests.support.loket import Loket
from tests.support.operator import filed, move
from tests.support.resident import Resident, texts

ADDRESS = "Jl. Melati 3 RT 01/RW 02, Sukamaju"
NEW_ADDRESS = "Dusun Mawar RT 02/RW 01, Desa Sukamaju"
ASK_ADDRESS = "Silakan ketik alamat Anda (jalan/dusun, RT/RW, desa/kelurahan)."


def _template_names(bodies: list[dict]) -> list[str]:
    return [b["template"]["name"] for b in bodies if b["type"] == "template"]


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(
    "first_words",
    ["iya ada apa?", "APA INI PAK??", "ok", "what is this about?", "Dusun Mawar RT 02"],
)
async def test_the_message_that_reopens_the_window_answers_nothing(
    loket: Loket, sessionmaker, first_words: str
) -> None:
    ticket = await counter_request_needing_an_address(loket, sessionmaker)
    siti = Resident(loket)
    assert _template_names(siti.unread()) == ["loket_permohonan_dicatat", "loket_pesan_menunggu"]

    replies = await siti.text(first_words)

    # The held messages, in the order they were written, are the whole reply.
    assert texts(replies).splitlines() == [
        f"Permohonan {ticket} (KTP-el) sedang diperiksa petugas.",
        f"Petugas meminta perbaikan untuk permohonan {ticket}.",
        "Catatan petugas: Alamat kurang lengkap.",
        "Yang perlu diperbaiki: Alamat.",
        ASK_ADDRESS,
    ]
    held = await filed(loket, ticket)
    assert (held.status, held.fields["alamat"]) == ("needs_correction", ADDRESS)

    replies = await siti.text(NEW_ADDRESS)
    assert f"Perbaikan untuk permohonan {ticket} sudah kami terima ✅" in texts(replies)
    done = await filed(loket, ticket)
    assert (done.status, done.fields["alamat"]) == ("in_review", NEW_ADDRESS)
    assert done.history[-1] == ("resident", "in_review", "corrected")


@pytest.mark.usefixtures("world")
async def test_read_message_button_releases_without_answering(loket: Loket, sessionmaker) -> None:
    ticket = await counter_request_needing_an_address(loket, sessionmaker)
    siti = Resident(loket)
    siti.unread()
    replies = await siti.send(
        {"type": "button", "button": {"payload": "held:read", "text": "Baca pesan"}}
    )
    assert texts(replies).splitlines()[-1] == ASK_ADDRESS
    assert (await filed(loket, ticket)).status == "needs_correction"


async def test_a_correction_refused_for_the_window_is_held_behind_one_invitation(
    loket: Loket, sessionmaker
) -> None:
    """Meta answers 131047 to the review notice and both correction messages: nothing is
    given up, one "message waiting" template goes out, and the resident's next message
    releases the three."""
    siti = Resident(loket)
    ticket = await apply_ktp_hilang(siti)
    loket.graph.fail_next(131047, times=3)
    await move(loket, ticket, "in_review")
    await move(loket, ticket, "needs_correction", fields=["alamat"])
    await loket.drain()

    sent = [r for r in loket.graph.message_requests[siti.seen :]]
    assert [r.status for r in sent] == [400, 400, 400, 200]
    assert _template_names([sent[-1].json]) == ["loket_pesan_menunggu"]
    assert sent[-1].json["template"]["components"][0]["parameters"] == [
        {"type": "text", "text": ticket}
    ]
    siti.seen = len(loket.graph.message_requests)
    async with sessionmaker() as session:
        rows = (
            await session.execute(select(OutboundMessage).order_by(OutboundMessage.id))
        ).scalars()
        states = [(row.origin, row.state) for row in rows][-4:]
    assert states == [
        ("status:in_review", "held"),
        ("conversation", "held"),
        ("conversation", "held"),
        ("template:waiting", "sent"),
    ]

    replies = await siti.text("iya ada apa?")
    assert texts(replies).splitlines() == [
        f"Permohonan {ticket} (KTP-el) sedang diperiksa petugas.",
        f"Petugas meminta perbaikan untuk permohonan {ticket}.",
        "Yang perlu diperbaiki: Alamat.",
        ASK_ADDRESS,
    ]
    assert (await filed(loket, ticket)).status == "needs_correction"
    replies = await siti.text(NEW_ADDRESS)
    assert f"Perbaikan untuk permohonan {ticket} sudah kami terima ✅" in texts(replies)
    assert (await filed(loket, ticket)).fields["alamat"] == NEW_ADDRESS
