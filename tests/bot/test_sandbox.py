"""The sandbox sink: what the simulator page shows instead of Meta."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app.bot import messages
from app.bot.errors import GraphError
from app.bot.sandbox import SandboxSink
from tests.support.outbox import START, FakeClock


class _Person:
    def __init__(self, wa_id: str | None, user_id: str | None = None) -> None:
        self.wa_id = wa_id
        self.user_id = user_id


SITI = _Person("6289900000001")


def _to(person: _Person, body: dict[str, Any]) -> dict[str, Any]:
    return messages.address_body(body, person)


async def test_records_messages_per_address_with_sandbox_wamids():
    sink = SandboxSink(clock=FakeClock())
    first = await sink.send(_to(SITI, messages.text("Halo")[0]))
    second = await sink.send(_to(_Person(None, "ID.budi"), messages.text("Hai")[0]))

    assert first.wamid is not None and first.wamid.startswith("wamid.SANDBOX")
    assert second.wamid is not None and second.wamid != first.wamid
    (record,) = sink.records("6289900000001")
    assert (record.index, record.kind, record.wamid, record.at) == (
        1,
        "message",
        first.wamid,
        START,
    )
    assert record.body["text"]["body"] == "Halo"
    assert sink.records("+6289900000001") == [record]  # "+" or not, the same phone
    assert [r.index for r in sink.records("ID.budi")] == [2]
    assert sink.records("6289900000001", after_index=1) == []
    assert sink.last_index == 2


async def test_keeps_only_the_last_n_per_address():
    sink = SandboxSink(keep_per_address=2)
    for n in range(4):
        await sink.send(_to(SITI, messages.text(f"pesan {n}")[0]))
    assert [r.body["text"]["body"] for r in sink.records("6289900000001")] == ["pesan 2", "pesan 3"]


async def test_read_receipts_and_typing_go_to_the_sender_of_the_message():
    sink = SandboxSink()
    sink.register_inbound("6289900000001", "wamid.IN1")

    result = await sink.send(messages.typing_indicator("wamid.IN1"))
    await sink.send(messages.read_receipt("wamid.IN1"))
    await sink.send(messages.read_receipt("wamid.UNKNOWN"))

    assert result.wamid is None
    assert [(r.kind, r.wamid) for r in sink.records("6289900000001")] == [
        ("typing", None),
        ("read", None),
    ]
    assert [r.kind for r in sink.records("")] == ["read"]  # nobody registered that message


async def test_a_message_without_recipient_fails_like_meta():
    with pytest.raises(GraphError) as caught:
        await SandboxSink().send(messages.text("Halo")[0])
    assert (caught.value.code, caught.value.http_status) == (100, 400)


async def test_wait_for_returns_at_once_when_there_is_news():
    sink = SandboxSink()
    await sink.send(_to(SITI, messages.text("Halo")[0]))
    records = await sink.wait_for("6289900000001", after_index=0, timeout=10)
    assert [r.index for r in records] == [1]


async def test_wait_for_wakes_when_a_reply_arrives():
    sink = SandboxSink()
    waiter = asyncio.create_task(sink.wait_for("6289900000001", after_index=0, timeout=30))
    await asyncio.sleep(0)
    assert not waiter.done()

    await sink.send(_to(_Person("6289900000002"), messages.text("untuk orang lain")[0]))
    await asyncio.sleep(0)
    assert not waiter.done()  # news for someone else does not wake this phone
    await sink.send(_to(SITI, messages.text("Halo")[0]))

    records = await asyncio.wait_for(waiter, timeout=10)
    assert [(r.index, r.body["text"]["body"]) for r in records] == [(2, "Halo")]


async def test_wait_for_times_out_empty():
    assert await SandboxSink().wait_for("6289900000001", after_index=0, timeout=0) == []


def test_keep_must_be_positive():
    with pytest.raises(ValueError):
        SandboxSink(keep_per_address=0)
