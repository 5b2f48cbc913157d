"""The note of a status change reaches the resident, the same way on every move an operator makes.

Inside the 24-hour window the note is the last line of the status message ("Catatan petugas: …";
for a rejection it is the reason; for a correction the engine's request carries it). When only an
approved template can go out, the template goes and the full message, note included, is held
behind the "message waiting" invitation until the resident answers.
"""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from app.outbox.models import OutboundMessage
from app.requests.home_delivery import Courier
from app.requests.status import RequestStatus as S
from tests.support.lifecycle import OUTSIDE, move, sent
from tests.support.loket import Loket
from tests.support.request_rows import create_request

NOTE = "Mohon bawa materai 10.000."
LINE = f"\nCatatan petugas: {NOTE}"
COURIER = {"courier": Courier(name="Andi")}
# A request made `out_for_delivery` here was never given a code: it completes by override.
WITHOUT_CODE = {"override_code": True}

# (from, to, extra arguments of the move, the resident's text without the note)
MOVES = [
    (S.SUBMITTED, S.IN_REVIEW, {}, "Permohonan {ticket} (KTP-el) sedang diperiksa petugas."),
    (
        S.IN_REVIEW,
        S.PROCESSING,
        {},
        "Berkas permohonan {ticket} (KTP-el) sudah lengkap dan sedang diproses. ✅",
    ),
    (
        S.PROCESSING,
        S.OUT_FOR_DELIVERY,
        COURIER,
        "KTP-el Anda (permohonan {ticket}) sedang diantar ke alamat Anda.\nKurir: Andi\n"
        "Berikan kode penerimaan 123456 kepada kurir saat Anda menerimanya.",
    ),
    (
        S.OUT_FOR_DELIVERY,
        S.COMPLETED,
        WITHOUT_CODE,
        "Permohonan {ticket} (KTP-el) selesai. Terima kasih telah menggunakan layanan kami.",
    ),
]


@pytest.mark.parametrize(("start", "to", "extra", "message"), MOVES)
async def test_the_note_ends_the_status_message(
    loket: Loket,
    sessionmaker,
    monkeypatch: pytest.MonkeyPatch,
    start: S,
    to: S,
    extra: dict,
    message: str,
) -> None:
    monkeypatch.setattr(secrets, "randbelow", lambda _: 123456)
    _, ticket = await create_request(sessionmaker, status=start.value)
    await move(loket, ticket, to, note=f"  {NOTE} ", **extra)
    await loket.drain()
    texts = [m["text"]["body"] for m in sent(loket) if m["type"] == "text"]
    assert texts[0] == message.format(ticket=ticket) + LINE


async def test_without_a_note_the_message_is_unchanged(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, status="in_review")
    await move(loket, ticket, S.PROCESSING, note="   ")
    await loket.drain()
    (message,) = sent(loket)
    assert message["text"]["body"] == (
        f"Berkas permohonan {ticket} (KTP-el) sudah lengkap dan sedang diproses. ✅"
    )


async def test_the_note_of_a_pickup_follows_what_to_bring(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, status="processing")
    await move(loket, ticket, S.READY_FOR_PICKUP, pickup_place="Kantor Camat", note=NOTE)
    await loket.drain()
    message, image = sent(loket)  # the QR image follows (tests/requests/test_pickup_qr.py)
    assert image["type"] == "image"
    body = message["text"]["body"]
    assert body.startswith("KTP-el Anda siap diambil di Kantor Camat, Senin–Jumat 08.00–15.00.")
    assert body.endswith(f"Nomor permohonan: {ticket}.\nBawa juga: {_bring()}{LINE}")


def _bring() -> str:
    from app.flows.catalog import shipped_catalog

    return shipped_catalog().services["ktp"].pickup.get("id")


async def test_a_rejection_says_its_note_once_as_the_reason(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, status="in_review")
    await move(loket, ticket, S.REJECTED, note=NOTE)
    await loket.drain()
    (message,) = sent(loket)
    assert message["text"]["body"] == (
        f"Mohon maaf, permohonan {ticket} (KTP-el) tidak dapat diproses. Alasan: {NOTE}\n"
        "Ketik *operator* jika ingin bertanya."
    )


async def test_a_correction_request_carries_the_note(loket: Loket, sessionmaker) -> None:
    _, ticket = await create_request(sessionmaker, status="in_review")
    await move(loket, ticket, S.NEEDS_CORRECTION, fields=["nama"], note=NOTE)
    await loket.drain()
    texts = "\n".join(m["text"]["body"] for m in sent(loket) if m["type"] == "text")
    assert f"Catatan petugas: {NOTE}" in texts


@pytest.mark.parametrize(
    ("start", "to", "template"),
    [
        (S.PROCESSING, S.OUT_FOR_DELIVERY, "loket_diantar"),
        (S.OUT_FOR_DELIVERY, S.COMPLETED, "loket_selesai"),
        (S.PROCESSING, S.READY_FOR_PICKUP, "loket_siap_diambil"),
    ],
)
async def test_outside_the_window_the_note_waits_behind_the_template(
    loket: Loket, sessionmaker, start: S, to: S, template: str
) -> None:
    _, ticket = await create_request(sessionmaker, status=start.value, last_inbound=OUTSIDE)
    extra = {
        S.READY_FOR_PICKUP: {"pickup_place": "Kantor Camat"},
        S.OUT_FOR_DELIVERY: COURIER,
        S.COMPLETED: WITHOUT_CODE,
    }[to]
    await move(loket, ticket, to, note=NOTE, **extra)
    await loket.drain()
    assert [m["template"]["name"] for m in sent(loket)] == [template, "loket_pesan_menunggu"]
    async with sessionmaker() as session:
        # (Completing also offers the satisfaction survey, which waits the same way.)
        stmt = select(OutboundMessage).where(
            OutboundMessage.state == "held", OutboundMessage.origin == f"status:{to.value}"
        )
        (held,) = (await session.execute(stmt)).scalars().all()
    assert held.body["text"]["body"].endswith(LINE)


async def test_outside_the_window_a_move_without_a_note_is_the_template_alone(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, status="processing", last_inbound=OUTSIDE)
    await move(loket, ticket, S.OUT_FOR_DELIVERY, **COURIER)
    await loket.drain()
    assert [m["template"]["name"] for m in sent(loket)] == ["loket_diantar"]


async def test_when_meta_refuses_the_text_the_note_is_held_not_lost(
    loket: Loket, sessionmaker
) -> None:
    """Our clock said the window was open, Meta said closed (131047): the template goes, and the
    text with the note waits for the resident instead of being cancelled."""
    loket.graph.fail_next(131047, times=1)
    _, ticket = await create_request(sessionmaker, status="processing")
    await move(loket, ticket, S.OUT_FOR_DELIVERY, note=NOTE, **COURIER)
    await loket.drain()
    assert [m["type"] for m in sent(loket)] == ["text", "template"]
    async with sessionmaker() as session:
        rows = (
            (await session.execute(select(OutboundMessage).order_by(OutboundMessage.id)))
            .scalars()
            .all()
        )
    assert sorted((r.state, r.kind) for r in rows) == [("held", "text"), ("sent", "template")]
