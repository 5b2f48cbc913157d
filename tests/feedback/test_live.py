"""Through the live app: `completed` brings the survey, answers and a complaint reach the DB."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.db import unit_of_work
from app.feedback.models import Complaint, SurveyResponse
from app.requests import lifecycle
from app.requests.repository import get_by_ticket
from app.requests.status import RequestStatus as S
from tests.support.loket import Loket
from tests.support.request_rows import create_request
from tests.support.resident import WA_ID, Resident

QUESTION_1 = "Pertanyaan 1 dari 9: Bagaimana kesesuaian persyaratan dengan jenis pelayanannya?"


async def _complete(loket: Loket, ticket: str) -> None:
    async with unit_of_work(loket.runtime.sessionmaker) as session:
        request = await get_by_ticket(session, ticket)
        assert request is not None
        await lifecycle.apply_transition(
            session,
            catalog=loket.runtime.catalog,
            settings=loket.runtime.settings,
            request=request,
            to=S.COMPLETED,
            actor="operator:budi",
            note=None,
            now=datetime.now(UTC),
            # Made `out_for_delivery` directly, the request never had a delivery code to give.
            override_code=True,
        )


def _bodies(replies: list[dict[str, Any]]) -> list[str]:
    return [
        reply["text"]["body"] if reply["type"] == "text" else reply["interactive"]["body"]["text"]
        for reply in replies
    ]


async def test_completion_starts_the_survey_and_answers_are_stored(
    loket: Loket, sessionmaker
) -> None:
    _, ticket = await create_request(sessionmaker, wa_id=WA_ID, status="out_for_delivery")
    await _complete(loket, ticket)
    await loket.drain()
    replies = [r.json for r in loket.graph.message_requests]
    bodies = _bodies(replies)
    assert len(bodies) == 3
    assert ticket in bodies[0]  # the `completed` notice comes first
    assert bodies[1].startswith(f"Permohonan KTP-el ({ticket}) sudah selesai.")
    assert bodies[2] == QUESTION_1
    rows = replies[2]["interactive"]["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows] == ["ikm:1", "ikm:2", "ikm:3", "ikm:4"]

    resident = Resident(loket)
    resident.seen = len(loket.graph.message_requests)
    for answer in ["4", "4", "3", "4", "4", "3", "4", "3"]:
        await resident.text(answer)
    last = await resident.send(
        {
            "type": "interactive",
            "interactive": {
                "type": "list_reply",
                "list_reply": {"id": "ikm:4", "title": "4 Dikelola dengan baik"},
            },
        }
    )
    assert _bodies(last) == [
        "Terima kasih atas penilaian Anda 🙏 Masukan Anda membantu kami memperbaiki pelayanan."
    ]
    async with sessionmaker() as session:
        (row,) = (await session.execute(select(SurveyResponse))).scalars().all()
    assert row.scores == [4, 4, 3, 4, 4, 3, 4, 3, 4]
    assert (row.index, row.grade, row.service_code) == (91.67, "A", "ktp")

    assert _bodies(await resident.text("pengaduan")) == [
        "Silakan tulis keluhan Anda dalam satu pesan."
    ]
    await resident.text("Kurir datang terlambat")
    replies = await resident.text("ya")
    assert "SP4N-LAPOR!" in _bodies(replies)[0]
    async with sessionmaker() as session:
        (complaint,) = (await session.execute(select(Complaint))).scalars().all()
    assert (complaint.text, complaint.ticket, complaint.status) == (
        "Kurir datang terlambat",
        None,
        "open",
    )
