"""Retention beyond the files: a request past its retention period leaves no personal data in the
database (answers, messages either way, the conversation, the history), while an open request of
the same resident keeps everything; a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.conversations.models import Conversation
from app.conversations.redaction import REDACTED
from app.conversations.retention import redact_expired
from app.conversations.transcript import inbound_line
from app.db import Base, unit_of_work
from app.inbox.models import InboundEvent
from app.requests.models import Request
from tests.support.factories import START, add_request, add_resident, ktp_fields
from tests.support.loket import Loket
from tests.support.operator import move
from tests.support.resident import Resident, sharp_photo, texts

RETENTION = 90
# The first request's answers, rejected long ago, and the second's, still open.
OLD = {"nik": "3201014508900003", "kk": "3201012208150007", "alamat": "Jl. Melati 3 RT 01"}
OLD_NAME = "Siti Aminah"
NEW = {"nik": "3201015203950002", "kk": "3201011105180004", "alamat": "Gang Mawar 7 Sukajadi"}
NEW_NAME = "Rina Kartika"


async def holders(sessionmaker: async_sessionmaker[AsyncSession], secret: str) -> set[str]:
    """Every `table.column` of a text or JSON column with a row that contains `secret`."""
    found: set[str] = set()
    async with sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in (await session.execute(select(*columns))).all():
                for column, value in zip(columns, row, strict=True):
                    if value is not None and secret in str(value):
                        found.add(f"{table.name}.{column.name}")
    return found


async def _file_ktp(siti: Resident, answers: dict[str, str], name: str, photo: int) -> str:
    """A KTP-el "hilang" request through the chat; returns Loket's confirmation."""
    await siti.text("ktp sy ilang min")
    await siti.text(answers["nik"])
    await siti.text(name)  # the birth date and sex come from the NIK
    await siti.text(answers["kk"])
    await siti.text(answers["alamat"])
    replies = await siti.photo(f"media-kk-{photo}", sharp_photo(photo))
    replies = await siti.tap(replies, "Sudah semua")
    # The police letter is one sheet: its photo goes straight on to the summary.
    replies = await siti.photo(f"media-hilang-{photo}", sharp_photo(photo + 1))
    replies = await siti.tap(replies, "Ya, ambil di kantor")
    return texts(replies)


async def _tickets(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessionmaker() as session:
        stmt = select(Request.ticket).order_by(Request.id)
        return list((await session.execute(stmt)).scalars())


async def _dump(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, list[Any]]:
    async with sessionmaker() as session:
        return {
            table.name: [tuple(row) for row in (await session.execute(select(table))).all()]
            for table in Base.metadata.sorted_tables
        }


async def test_a_request_past_retention_leaves_no_personal_data(
    loket: Loket, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    siti = Resident(loket)
    await _file_ktp(siti, OLD, OLD_NAME, 10)
    [old_ticket] = await _tickets(sessionmaker)
    await move(loket, old_ticket, "rejected", note=f"NIK {OLD['nik']} sudah punya KTP-el aktif")
    await _file_ktp(siti, NEW, NEW_NAME, 20)
    _, new_ticket = await _tickets(sessionmaker)
    for secret in [*OLD.values(), OLD_NAME]:
        assert "request.fields" in await holders(sessionmaker, secret)
        assert "inbound_event.payload" in await holders(sessionmaker, secret)

    # The first request ended today: nothing is redacted before its retention period is over.
    today = datetime.now(UTC)
    early = await redact_expired_at(sessionmaker, today + timedelta(days=RETENTION - 1))
    assert early == (0, 0, 0, 0)

    report = await redact_expired_at(sessionmaker, today + timedelta(days=RETENTION + 1))

    for secret in [*OLD.values(), OLD_NAME]:
        assert await holders(sessionmaker, secret) == set(), secret
    for secret in [*NEW.values(), NEW_NAME]:
        assert {"request.fields", "inbound_event.payload", "conversation.snapshot"} <= (
            await holders(sessionmaker, secret)
        ), secret
    requests, inbound, outbound, conversations = report
    assert (requests, conversations) == (1, 1)
    assert inbound > 10 and outbound > 10
    async with sessionmaker() as session:
        rows = {r.ticket: r for r in (await session.execute(select(Request))).scalars()}
        assert rows[old_ticket].fields == {} and rows[old_ticket].redacted_at is not None
        assert rows[old_ticket].status == "rejected" and rows[old_ticket].service_code == "ktp"
        assert rows[new_ticket].fields["nik"] == NEW["nik"] and rows[new_ticket].redacted_at is None
        events = (await session.execute(select(InboundEvent).order_by(InboundEvent.id))).scalars()
        said = [(inbound_line(e).text, e.redacted_at is not None) for e in events]
    # The resident's first words are redacted; the second request's answers are still there.
    assert said[0] == (REDACTED, True)
    assert (NEW["nik"], False) in said

    before = await _dump(sessionmaker)
    again = await redact_expired_at(sessionmaker, today + timedelta(days=RETENTION + 2))
    assert again == (0, 0, 0, 0)
    assert await _dump(sessionmaker) == before


async def redact_expired_at(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime
) -> tuple[int, int, int, int]:
    async with sessionmaker() as session:
        report = await redact_expired(session, now, RETENTION)
    return report.requests, report.inbound, report.outbound, report.conversations


async def test_a_conversation_in_progress_is_not_touched(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Waiting for an answer: its snapshot and its messages of no request stay as they are."""
    start = START  # when `add_request` records the rejection
    async with unit_of_work(sessionmaker) as session:
        resident = await add_resident(session, "6281234500009", "Siti")
        request = await add_request(
            session, ticket="KTP-260105-0001", resident=resident, office_id=None,
            status="rejected", fields=ktp_fields(OLD["nik"], OLD_NAME),
        )  # fmt: skip
        snapshot = {"language": "id", "submitted": {request.ticket: {"nik": OLD["nik"]}}}
        session.add(Conversation(resident_id=resident.id, snapshot=snapshot, status="waiting"))
        for n, text in enumerate([f"NIK saya {OLD['nik']}", f"KTP-260105-0001 {OLD['kk']}"]):
            at = start + timedelta(days=1, minutes=n)
            session.add(
                InboundEvent(
                    dedup_key=f"m:wamid.wait.{n}", kind="message", resident_id=resident.id,
                    external_id=f"wamid.wait.{n}", received_at=at, occurred_at=at, processed_at=at,
                    payload={"message": {"type": "text", "text": {"body": text}}},
                )
            )  # fmt: skip
    assert await redact_expired_at(sessionmaker, start + timedelta(days=200)) == (1, 1, 0, 0)
    async with sessionmaker() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
        assert (conversation.snapshot, conversation.redacted_at) == (snapshot, None)
        events = (await session.execute(select(InboundEvent).order_by(InboundEvent.id))).scalars()
        # The message naming the rejected request goes; the one of no request may be the
        # conversation in progress.
        assert [inbound_line(e).text for e in events] == [
            f"NIK saya {OLD['nik']}",
            f"{REDACTED} KTP-260105-0001",
        ]
