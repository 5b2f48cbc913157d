"""The outbox worker against the fake Graph API: sending, retries, give-ups, throttles, halts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from app.bot import messages
from app.bot.sender import SendResult
from app.db import unit_of_work
from app.observability import REGISTRY
from app.outbox import repository, service
from app.outbox.models import OutboxState
from app.outbox.retry import AUTH_HALT
from tests.support.outbox import (
    START,
    create_resident,
    enqueue_texts,
    halts,
    load_resident,
    outbox_rows,
    row,
)


def _text(to: str, body: str) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "text",
        "text": {"preview_url": False, "body": body},
    }


def _outcomes(outcome: str, code: str) -> float:
    value = REGISTRY.get_sample_value(
        "loket_send_outcomes_total", {"outcome": outcome, "code": code}
    )
    return value or 0.0


async def test_sends_each_residents_messages_in_order(sessionmaker, fake_graph, make_worker):
    siti = await create_resident(sessionmaker, wa_id="6289900000001")
    budi = await create_resident(sessionmaker, wa_id="6289900000002")
    ids = await enqueue_texts(sessionmaker, siti, ["Halo Siti", "Silakan kirim foto KTP Anda."])
    ids += await enqueue_texts(sessionmaker, budi, ["Halo Budi"])
    sent_before = _outcomes("sent", "")

    assert await make_worker().run_once() == 3

    # Residents are served concurrently, so only each resident's own order is fixed.
    to_siti = [b for b in fake_graph.sent_bodies if b["to"] == "+6289900000001"]
    to_budi = [b for b in fake_graph.sent_bodies if b["to"] == "+6289900000002"]
    assert to_siti == [
        _text("+6289900000001", "Halo Siti"),
        _text("+6289900000001", "Silakan kirim foto KTP Anda."),
    ]
    assert to_budi == [_text("+6289900000002", "Halo Budi")]
    assert len(fake_graph.sent_bodies) == 3
    rows = await outbox_rows(sessionmaker)
    assert [(r.id, r.state, r.attempts, r.sent_at) for r in rows] == [
        (ids[0], "sent", 1, START),
        (ids[1], "sent", 1, START),
        (ids[2], "sent", 1, START),
    ]
    assert sorted(r.wamid or "" for r in rows) == ["wamid.FAKE1", "wamid.FAKE2", "wamid.FAKE3"]
    assert int((rows[0].wamid or "")[10:]) < int((rows[1].wamid or "")[10:])
    assert _outcomes("sent", "") == sent_before + 3
    assert REGISTRY.get_sample_value("loket_outbox_depth", {"state": "pending"}) == 0
    for person in (siti, budi):  # leases are released once the resident is drained
        reloaded = await load_resident(sessionmaker, person.id)
        assert (reloaded.outbox_lease_owner, reloaded.outbox_lease_until) == (None, None)
    assert await make_worker().run_once() == 0


async def test_resident_known_only_by_bsuid_gets_recipient(sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker, wa_id=None, user_id="ID.1234567890abcdef")
    await enqueue_texts(sessionmaker, person, ["Halo"])

    assert await make_worker().run_once() == 1

    assert fake_graph.sent_bodies == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "recipient": "ID.1234567890abcdef",
            "type": "text",
            "text": {"preview_url": False, "body": "Halo"},
        }
    ]


async def test_read_receipt_goes_out_unaddressed(sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker)
    async with unit_of_work(sessionmaker) as session:
        (receipt,) = await service.enqueue(
            session, resident=person, bodies=[messages.read_receipt("wamid.IN1")], now=START
        )
    assert receipt.kind == "read"

    assert await make_worker().run_once() == 1

    assert fake_graph.sent_bodies == [
        {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"}
    ]
    stored = await row(sessionmaker, receipt.id)
    assert (stored.state, stored.wamid) == ("sent", None)


async def test_transient_error_retries_later_and_blocks_later_messages(
    sessionmaker, fake_graph, make_worker, clock, live_settings
):
    person = await create_resident(sessionmaker)
    first, second = await enqueue_texts(sessionmaker, person, ["satu", "dua"])
    fake_graph.fail_next(131000, http_status=500, details="Something went wrong")
    worker = make_worker()

    assert await worker.run_once() == 1

    failed = await row(sessionmaker, first)
    assert (failed.state, failed.attempts, failed.last_error_code) == ("pending", 1, 131000)
    assert "Something went wrong" in (failed.last_error or "")
    delay = (failed.next_attempt_at - START).total_seconds()
    assert live_settings.retry_base_seconds / 2 <= delay <= live_settings.retry_base_seconds
    assert (await row(sessionmaker, second)).state == "pending"
    assert len(fake_graph.sent_bodies) == 1  # "dua" did not overtake "satu"
    assert await worker.run_once() == 0  # not due yet

    clock.advance(delay)
    assert await worker.run_once() == 2

    assert [b["text"]["body"] for b in fake_graph.sent_bodies] == ["satu", "satu", "dua"]
    assert [(r.state, r.attempts) for r in await outbox_rows(sessionmaker)] == [
        ("sent", 2),
        ("sent", 1),
    ]


@pytest.mark.parametrize("failure", ["network", "bare_502"])
async def test_no_answer_or_bare_5xx_is_retried(failure, sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    if failure == "network":
        fake_graph.fail_network()
    else:
        fake_graph.fail_http(502)

    assert await make_worker().run_once() == 1

    stored = await row(sessionmaker, message_id)
    assert (stored.state, stored.attempts, stored.last_error_code) == ("pending", 1, None)
    assert stored.next_attempt_at > START


async def test_gives_up_after_max_attempts(
    sessionmaker, fake_graph, make_worker, clock, live_settings
):
    settings = live_settings.model_copy(update={"max_send_attempts": 3})
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    fake_graph.fail_next(131016, times=10, http_status=503)
    worker = make_worker(settings=settings)

    for expected_attempts in (1, 2):
        assert await worker.run_once() == 1
        stored = await row(sessionmaker, message_id)
        assert (stored.state, stored.attempts) == ("pending", expected_attempts)
        clock.advance(3600)
    assert await worker.run_once() == 1

    stored = await row(sessionmaker, message_id)
    assert (stored.state, stored.attempts, stored.last_error_code) == ("given_up", 3, 131016)
    assert stored.last_error is not None and stored.last_error.startswith("gave up after 3")


@pytest.mark.parametrize(
    "code", [100, 131008, 131009, 131021, 131026, 131047, 131051, 132001, 130403, 368, 10, 200, 3]
)
async def test_permanent_error_gives_up_at_once_and_the_next_message_goes(
    code, sessionmaker, fake_graph, make_worker
):
    person = await create_resident(sessionmaker)
    first, second = await enqueue_texts(sessionmaker, person, ["satu", "dua"])
    fake_graph.fail_next(code)

    assert await make_worker().run_once() == 2

    given_up = await row(sessionmaker, first)
    assert (given_up.state, given_up.attempts, given_up.last_error_code) == ("given_up", 1, code)
    assert (await row(sessionmaker, second)).state == "sent"
    if code == 131047:  # the operators' template fallback looks for exactly this
        assert given_up.last_error is not None and given_up.last_error.startswith("131047")


async def test_unknown_4xx_code_is_retried_not_given_up(sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    fake_graph.fail_next(999999, http_status=400)

    await make_worker().run_once()

    stored = await row(sessionmaker, message_id)
    assert (stored.state, stored.attempts, stored.last_error_code) == ("pending", 1, 999999)
    assert stored.last_error is not None and stored.last_error.startswith("unknown error")
    assert stored.next_attempt_at > START


async def test_a_bare_429_five_times_then_sent(sessionmaker, fake_graph, make_worker, clock):
    """A plain 429 with no body (no Meta code) throttles the number; nothing is given up."""
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    fake_graph.fail_http(429, times=5, body=b"")
    throttled_before = _outcomes("throttled", "http_429")
    worker = make_worker()

    for attempt in range(1, 6):
        assert await worker.run_once() == 1
        stored = await row(sessionmaker, message_id)
        assert (stored.state, stored.attempts) == ("pending", attempt)
        halt = (await halts(sessionmaker))["throttle"]
        assert stored.next_attempt_at == halt.until > clock.now
        assert await worker.run_once() == 0  # the whole number waits
        clock.now = halt.until + timedelta(microseconds=1)
    assert await worker.run_once() == 1

    assert [(r.state, r.attempts) for r in await outbox_rows(sessionmaker)] == [("sent", 6)]
    assert [r.status for r in fake_graph.message_requests] == [429] * 5 + [200]
    assert _outcomes("throttled", "http_429") == throttled_before + 5


async def test_retry_after_is_honoured_as_the_minimum_wait(
    sessionmaker, fake_graph, make_worker, clock
):
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    fake_graph.fail_http(429, body=b"", headers={"Retry-After": "120"})
    worker = make_worker()

    assert await worker.run_once() == 1

    until = START + timedelta(seconds=120)
    assert (await halts(sessionmaker))["throttle"].until == until
    assert (await row(sessionmaker, message_id)).next_attempt_at == until
    clock.advance(119)
    assert await worker.run_once() == 0
    clock.now = until + timedelta(microseconds=1)
    assert await worker.run_once() == 1
    assert (await row(sessionmaker, message_id)).state == "sent"


async def test_best_effort_receipt_is_given_up_instead_of_blocking(
    sessionmaker, fake_graph, make_worker
):
    person = await create_resident(sessionmaker)
    async with unit_of_work(sessionmaker) as session:
        rows = await service.enqueue(
            session,
            resident=person,
            bodies=[messages.typing_indicator("wamid.IN9"), *messages.text("Jawaban")],
            now=START,
        )
    fake_graph.fail_next(131000, http_status=500)

    assert await make_worker().run_once() == 2

    assert [(r.kind, r.state) for r in await outbox_rows(sessionmaker)] == [
        ("typing", "given_up"),
        ("text", "sent"),
    ]
    assert rows[0].id < rows[1].id


@pytest.mark.parametrize("code", [130429, 4, 80007])
async def test_number_throttle_pauses_every_resident(
    code, sessionmaker, fake_graph, make_worker, clock
):
    siti = await create_resident(sessionmaker)
    budi = await create_resident(sessionmaker)
    (siti_msg,) = await enqueue_texts(sessionmaker, siti, ["untuk Siti"])
    await enqueue_texts(sessionmaker, budi, ["untuk Budi"])
    fake_graph.fail_next(code)
    worker = make_worker(batch_size=1)  # one resident at a time: Siti (oldest work) first

    assert await worker.run_once() == 1

    halt = (await halts(sessionmaker))["throttle"]
    assert halt.until > START
    stored = await row(sessionmaker, siti_msg)
    assert (stored.state, stored.last_error_code, stored.next_attempt_at) == (
        "pending",
        code,
        halt.until,
    )
    assert len(fake_graph.sent_bodies) == 1  # Budi waits too: the whole number is paused
    assert await worker.run_once() == 0

    clock.now = halt.until + timedelta(microseconds=1)
    assert await worker.run_once() == 2
    assert [r.state for r in await outbox_rows(sessionmaker)] == ["sent", "sent"]


async def test_pair_rate_limit_pauses_only_that_resident(
    sessionmaker, fake_graph, make_worker, clock
):
    siti = await create_resident(sessionmaker)
    budi = await create_resident(sessionmaker)
    await enqueue_texts(sessionmaker, siti, ["satu", "dua"])
    await enqueue_texts(sessionmaker, budi, ["untuk Budi"])
    fake_graph.fail_next(131056)
    worker = make_worker(batch_size=1)

    assert await worker.run_once() == 2  # Siti's first is throttled, Budi is still served

    paused = await load_resident(sessionmaker, siti.id)
    assert paused.outbox_not_before == START + timedelta(seconds=6)
    assert await halts(sessionmaker) == {}
    assert [(b["to"], b["text"]["body"]) for b in fake_graph.accepted_bodies] == [
        (f"+{budi.wa_id}", "untuk Budi")
    ]
    clock.advance(5)
    assert await worker.run_once() == 0

    clock.advance(1)
    assert await worker.run_once() == 2
    assert [b["text"]["body"] for b in fake_graph.accepted_bodies] == ["untuk Budi", "satu", "dua"]


@pytest.mark.parametrize("code", [190, 0])
async def test_refused_token_halts_all_sending_and_keeps_the_message(
    code, sessionmaker, fake_graph, make_worker, clock
):
    siti = await create_resident(sessionmaker)
    budi = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, siti, ["halo"])
    await enqueue_texts(sessionmaker, budi, ["halo juga"])
    fake_graph.fail_next(code, http_status=401)
    worker = make_worker(batch_size=1)
    halted_before = _outcomes("halted", str(code))

    assert await worker.run_once() == 1

    halt = (await halts(sessionmaker))["auth"]
    assert halt.until == START + AUTH_HALT
    stored = await row(sessionmaker, message_id)
    assert (stored.state, stored.attempts, stored.last_error_code) == ("pending", 0, code)
    assert _outcomes("halted", str(code)) == halted_before + 1
    clock.advance(AUTH_HALT.total_seconds() - 1)
    assert await worker.run_once() == 0

    clock.advance(1)
    assert await worker.run_once() == 2


async def test_wrong_token_is_met_with_190(sessionmaker, fake_graph, make_worker):
    fake_graph.token = "a-rotated-token"
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])

    await make_worker().run_once()

    assert (await row(sessionmaker, message_id)).last_error_code == 190
    assert "auth" in await halts(sessionmaker)


async def test_resident_without_any_address_is_given_up(sessionmaker, fake_graph, make_worker):
    person = await create_resident(sessionmaker, wa_id=None, user_id=None)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])

    assert await make_worker().run_once() == 0

    assert (await row(sessionmaker, message_id)).state == OutboxState.GIVEN_UP
    assert fake_graph.requests == []


async def test_resend_of_given_up_message(sessionmaker, fake_graph, make_worker, clock):
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])
    fake_graph.fail_next(131026)
    worker = make_worker()
    await worker.run_once()
    assert (await row(sessionmaker, message_id)).state == "given_up"

    clock.advance(60)
    async with unit_of_work(sessionmaker) as session:
        message = await service.resend(session, message_id, now=clock())
        assert (message.state, message.attempts, message.last_error_code) == ("pending", 0, None)
    assert await worker.run_once() == 1

    stored = await row(sessionmaker, message_id)
    assert (stored.state, stored.attempts, stored.wamid) == ("sent", 1, "wamid.FAKE1")


class _Exploding:
    async def send(self, body: dict[str, Any]) -> SendResult:
        raise RuntimeError("bug in a sender")


async def test_unexpected_sender_exception_is_retried(sessionmaker, make_worker):
    person = await create_resident(sessionmaker)
    (message_id,) = await enqueue_texts(sessionmaker, person, ["halo"])

    assert await make_worker(sender=_Exploding()).run_once() == 1

    stored = await row(sessionmaker, message_id)
    assert (stored.state, stored.attempts) == ("pending", 1)
    assert "RuntimeError: bug in a sender" in (stored.last_error or "")


async def test_a_failure_picking_the_next_message_keeps_what_was_sent(
    sessionmaker, fake_graph, make_worker, monkeypatch: pytest.MonkeyPatch
):
    """The result of a send and the pick of the next message share a transaction; a failure in
    the pick must not undo the result, or the message would go out twice."""
    siti = await create_resident(sessionmaker, wa_id="6289900000001")
    ids = await enqueue_texts(sessionmaker, siti, ["Halo Siti", "Silakan kirim foto KTP Anda."])
    real_first_pending = repository.first_pending
    calls = 0

    async def failing_second_time(session: Any, resident_id: int) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the database went away")
        return await real_first_pending(session, resident_id)

    monkeypatch.setattr(repository, "first_pending", failing_second_time)

    assert await make_worker().run_once() == 1

    rows = await outbox_rows(sessionmaker)
    assert [(r.id, r.state, r.attempts) for r in rows] == [
        (ids[0], "sent", 1),
        (ids[1], "pending", 0),
    ]
    assert len(fake_graph.sent_bodies) == 1
    reloaded = await load_resident(sessionmaker, siti.id)
    assert reloaded.outbox_lease_owner == "worker-a"  # kept: its expiry is the back-off


async def test_a_message_cancelled_while_it_was_sent_stays_cancelled(
    sessionmaker, fake_graph, make_worker
):
    """An operator cancels the message while its request is in flight: Meta's answer must not
    turn it into 'sent'; the resident's next message still goes."""
    siti = await create_resident(sessionmaker, wa_id="6289900000001")
    ids = await enqueue_texts(sessionmaker, siti, ["Halo Siti", "Silakan kirim foto KTP Anda."])

    class CancelledMeanwhile:
        async def send(self, body: dict[str, Any]) -> SendResult:
            if body["text"]["body"] == "Halo Siti":
                async with unit_of_work(sessionmaker) as session:
                    message = await repository.get_message(session, ids[0])
                    assert message is not None
                    message.state = OutboxState.CANCELLED
            return SendResult(wamid=f"wamid.{body['text']['body'][:4]}")

    assert await make_worker(sender=CancelledMeanwhile()).run_once() == 2
    rows = await outbox_rows(sessionmaker)
    assert [(r.id, r.state, r.wamid, r.attempts) for r in rows] == [
        (ids[0], "cancelled", None, 0),
        (ids[1], "sent", "wamid.Sila", 1),
    ]
    reloaded = await load_resident(sessionmaker, siti.id)
    assert reloaded.outbox_lease_owner is None
