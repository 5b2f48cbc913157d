"""Delivery statuses only move forward; failed is final and records Meta's error."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.bot import messages
from app.outbox import service
from app.outbox.statuses import apply_status
from tests.support.outbox import START, resident


@pytest.fixture
async def sent_message(db_session):
    person = resident()
    db_session.add(person)
    (message,) = await service.enqueue(
        db_session, resident=person, bodies=messages.text("Permohonan Anda diterima."), now=START
    )
    message.state = "sent"
    message.wamid = "wamid.HBgMNjI4OTkwMDAwMDAxFQIAERgSQUJDREVGMDEyMzQ1Njc4OQA="
    await db_session.flush()
    return message


async def _apply(session, message, status, seconds=0, errors=None) -> bool:
    return await apply_status(
        session,
        wamid=message.wamid,
        status=status,
        timestamp=START + timedelta(seconds=seconds),
        errors=errors,
    )


@pytest.mark.parametrize(
    ("sequence", "changes", "final"),
    [
        (["sent", "delivered", "read"], [True, True, True], "read"),
        (["sent", "read"], [True, True], "read"),  # "delivered" may never come
        (["read", "delivered", "sent"], [True, False, False], "read"),  # late arrivals ignored
        (["delivered", "delivered"], [True, False], "delivered"),  # re-delivered webhook
        (["sent", "read", "played"], [True, True, True], "played"),
        (["read", "failed"], [True, True], "failed"),  # failed wins from any state
        (["failed", "read", "delivered"], [True, False, False], "failed"),  # and is final
        (["failed", "failed"], [True, False], "failed"),
    ],
)
async def test_status_moves_only_forward(db_session, sent_message, sequence, changes, final):
    results = [
        await _apply(db_session, sent_message, status, seconds=i)
        for i, status in enumerate(sequence)
    ]
    assert results == changes
    assert sent_message.delivery_status == final
    last_change = max(i for i, changed in enumerate(changes) if changed)
    assert sent_message.delivery_updated_at == START + timedelta(seconds=last_change)


async def test_failed_status_records_metas_error(db_session, sent_message):
    errors = [
        {
            "code": 131049,
            "title": "This message was not delivered to maintain healthy ecosystem engagement.",
            "message": "This message was not delivered to maintain healthy ecosystem engagement.",
            "error_data": {"details": "In order to maintain healthy ecosystem engagement…"},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }
    ]
    assert await _apply(db_session, sent_message, "failed", errors=errors)
    assert sent_message.last_error_code == 131049
    assert sent_message.last_error == (
        "delivery failed (131049): This message was not delivered to maintain healthy ecosystem "
        "engagement. — In order to maintain healthy ecosystem engagement…"
    )
    assert sent_message.state == "sent"  # our side did its job; Meta's verdict is separate


async def test_failed_status_without_errors_still_records_it(db_session, sent_message):
    assert await _apply(db_session, sent_message, "failed")
    assert (sent_message.last_error_code, sent_message.last_error) == (
        None,
        "delivery failed (Meta gave no reason)",
    )


async def test_unknown_wamid_and_unknown_status_are_ignored(db_session, sent_message):
    assert not await apply_status(
        db_session, wamid="wamid.NOT-OURS", status="read", timestamp=START, errors=None
    )
    assert not await _apply(db_session, sent_message, "deleted")
    assert sent_message.delivery_status is None


async def test_resend_is_allowed_after_a_failed_delivery(db_session, sent_message):
    await _apply(db_session, sent_message, "failed", errors=[{"code": 131026}])
    again = await service.resend(db_session, sent_message.id, now=START + timedelta(hours=1))
    assert (again.state, again.wamid, again.delivery_status, again.last_error_code) == (
        "pending",
        None,
        None,
        None,
    )
