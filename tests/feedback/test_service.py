"""Recording IKM surveys, the index and grade math, and complaints."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.feedback import service as feedback
from app.feedback.models import Complaint, SurveyResponse
from tests.support.feedback import NOW, add_office, add_request, add_resident


@pytest.mark.parametrize(
    ("index", "grade"),
    [
        (100.0, "A"),
        (88.31, "A"),
        (88.30, "B"),
        (76.61, "B"),
        (76.60, "C"),
        (65.00, "C"),
        (64.99, "D"),
        (25.0, "D"),
        (88.305, "A"),  # graded on the value rounded to 2 decimals, as the table is written
        (88.304, "B"),
    ],
)
def test_grade_bands_at_their_edges(index, grade):
    assert feedback.grade_for(index) == grade


def test_index_is_the_mean_score_times_25_at_full_precision():
    assert feedback.ikm_index(36, 1) == 100.0
    assert feedback.ikm_index(9, 1) == 25.0
    assert feedback.ikm_index(27 + 32, 2) == pytest.approx(81.944444, abs=1e-6)
    with pytest.raises(ValueError):
        feedback.ikm_index(0, 0)
    with pytest.raises(ValueError, match="at least 25"):
        feedback.grade_for(24.99)


@pytest.mark.parametrize(
    "scores", [[4] * 8, [4] * 10, [0, 4, 4, 4, 4, 4, 4, 4, 4], [5] * 9, [True] * 9]
)
def test_invalid_scores_are_refused(scores):
    with pytest.raises(feedback.InvalidScores):
        feedback.check_scores(scores)


async def test_record_survey_stores_scores_index_and_grade_once(db_session):
    resident = await add_resident(db_session)
    office = await add_office(db_session, "CMT1")
    request = await add_request(db_session, resident, "KTP-261122-0001", office=office)
    scores = [4, 3, 3, 4, 4, 2, 4, 3, 1]
    row = await feedback.record_survey(
        db_session, resident_id=resident.id, ticket=request.ticket, scores=scores, now=NOW
    )
    assert row is not None
    assert row.scores == scores
    assert row.index == 77.78  # 28 / 9 × 25 = 77.777…
    assert row.grade == "B"
    assert (row.request_id, row.office_id, row.service_code) == (request.id, office.id, "ktp")
    again = await feedback.record_survey(
        db_session, resident_id=resident.id, ticket=request.ticket, scores=[1] * 9, now=NOW
    )
    assert again is not None and again.id == row.id and again.scores == scores
    count = await db_session.scalar(select(func.count(SurveyResponse.id)))
    assert count == 1


async def test_survey_for_an_unknown_or_foreign_ticket_is_ignored(db_session):
    resident = await add_resident(db_session)
    other = await add_resident(db_session, "6281200009999")
    await add_request(db_session, other, "KTP-261122-0002")
    for ticket in ("KTP-261122-0002", "KTP-000000-0000"):
        row = await feedback.record_survey(
            db_session, resident_id=resident.id, ticket=ticket, scores=[4] * 9, now=NOW
        )
        assert row is None
    assert await db_session.scalar(select(func.count(SurveyResponse.id))) == 0


async def test_summary_over_all_and_by_office_and_service(db_session):
    assert await feedback.ikm_summary(db_session) == (0, None, None)
    resident = await add_resident(db_session)
    north, south = await add_office(db_session, "N"), await add_office(db_session, "S")
    plan = [
        ("KTP-1", "ktp", north, [4] * 9),  # 100
        ("KTP-2", "ktp", north, [3] * 9),  # 75
        ("KK-1", "kk", south, [2, 2, 2, 2, 2, 2, 2, 2, 3]),  # 19/9 × 25 = 52.78
    ]
    for ticket, service, office, scores in plan:
        await add_request(db_session, resident, ticket, service=service, office=office)
        await feedback.record_survey(
            db_session, resident_id=resident.id, ticket=ticket, scores=scores, now=NOW
        )
    # (36 + 27 + 19) / 27 × 25 = 75.925…
    assert await feedback.ikm_summary(db_session) == (3, 75.93, "C")
    assert await feedback.ikm_summary(db_session, office_id=north.id) == (2, 87.5, "B")
    assert await feedback.ikm_summary(db_session, service="kk") == (1, 52.78, "D")
    assert await feedback.ikm_summary(db_session, office_id=south.id, service="ktp") == (
        0,
        None,
        None,
    )


async def test_file_and_close_a_complaint(db_session):
    resident = await add_resident(db_session)
    other = await add_resident(db_session, "6281200009999")
    await add_request(db_session, resident, "KTP-261122-0003")
    await add_request(db_session, other, "KTP-261122-0004")
    mine = await feedback.file_complaint(
        db_session,
        resident_id=resident.id,
        text="  Petugas tidak datang ",
        ticket="KTP-261122-0003",
        now=NOW,
    )
    foreign = await feedback.file_complaint(
        db_session, resident_id=resident.id, text="Lama", ticket="KTP-261122-0004", now=NOW
    )
    assert (mine.ticket, mine.text, mine.status) == (
        "KTP-261122-0003",
        "Petugas tidak datang",
        "open",
    )
    assert foreign.ticket is None  # not the resident's request: not linked
    assert [c.id for c in await feedback.open_complaints(db_session)] == [foreign.id, mine.id]
    await feedback.close_complaint(
        db_session, mine, closed_by="operator:budi", resolution="  Sudah ditegur ", now=NOW
    )
    stored = await db_session.get(Complaint, mine.id)
    assert stored is not None
    assert (stored.status, stored.closed_at, stored.closed_by, stored.resolution) == (
        "closed",
        NOW,
        "operator:budi",
        "Sudah ditegur",
    )
    assert [c.id for c in await feedback.open_complaints(db_session)] == [foreign.id]


async def test_closing_needs_a_resolution_and_happens_once(db_session):
    resident = await add_resident(db_session)
    complaint = await feedback.file_complaint(
        db_session, resident_id=resident.id, text="Antre lama", ticket=None, now=NOW
    )
    with pytest.raises(feedback.ResolutionMissing):
        await feedback.close_complaint(
            db_session, complaint, closed_by="operator:budi", resolution="  ", now=NOW
        )
    assert complaint.status == "open"
    await feedback.close_complaint(
        db_session, complaint, closed_by="operator:budi", resolution="Loket ditambah", now=NOW
    )
    with pytest.raises(feedback.ComplaintAlreadyClosed):
        await feedback.close_complaint(
            db_session, complaint, closed_by="operator:sari", resolution="Lagi", now=NOW
        )
    assert (complaint.closed_by, complaint.resolution) == ("operator:budi", "Loket ditambah")


def test_the_closing_message_is_short_and_in_the_residents_language():
    assert feedback.closed_text("id", "KTP-261122-0003", "Petugas sudah ditegur.") == (
        "Keluhan Anda tentang permohonan KTP-261122-0003 sudah ditindaklanjuti petugas:\n"
        "Petugas sudah ditegur.\nTerima kasih atas masukan Anda."
    )
    assert feedback.closed_text("en", None, "More counters open.") == (
        "Your complaint has been followed up by the office:\n"
        "More counters open.\nThank you for your feedback."
    )
