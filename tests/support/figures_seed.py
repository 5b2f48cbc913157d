"""A known set of requests, histories and surveys in the first week of November 2026 (WIB).

Times below are local (Asia/Jakarta, UTC+7). Every figure the tests expect is worked out by
hand from this table in the test that asserts it.

    ticket         office   service  submitted          completed          due         history
    KTP-A1-0000    DESA-A1  ktp      10-31 23:59        11-02 23:59 (2.0d) 11-03       corrected
    KTP-A1-0001    DESA-A1  ktp      11-01 09:00        11-03 09:00 (2.0d) 11-05       clean review
    KTP-A1-0002    DESA-A1  ktp      11-02 06:00        11-06 18:00 (4.5d) 11-05 late  corrected
    KTP-A2-0001    DESA-A2  ktp      11-03 10:00        11-06 10:00 (3.0d) 11-06       clean review
    KK-KECA-0001   KEC-A    kk       11-02 08:00        -                  11-05       in review
    KK-KECA-0002   KEC-A    kk       11-04 08:00        -                  11-07       corrected
    KTP-A1-0003    DESA-A1  ktp      11-04 12:00        -                  11-18       not reviewed
    KTP-A2-0002    DESA-A2  ktp      11-07 08:00        11-08 00:30        11-21       clean review
    KTP-B1-0001    DESA-B1  ktp      11-02 10:00        11-03 10:00 (1.0d) 11-10       clean review
    AKTA-B-0001    KEC-B    akta     11-05 10:00        -                  11-08       in review
    KTP-KAB-0001   KAB      ktp      11-03 08:00        -                  11-17       rejected

Applied by chat unless marked; how the completed ones ended (trips to the office):
    KTP-A1-0000    at the counter, collected at the counter                       2 trips
    KTP-A1-0001    by chat, collected at the counter                              1 trip
    KTP-A1-0002    by chat, delivered home (out_for_delivery -> completed)        0 trips
    KTP-A2-0001    by chat, PDF delivered in the chat (system:whatsapp)           0 trips
    KTP-A2-0002    by chat, collected at the counter (after the period)           1 trip
    KTP-B1-0001    at the counter, completed digitally from processing            1 trip

Surveys (answered at): KTP-A1-0001 all 4s (11-03), KTP-A2-0001 all 3s (11-06), KTP-A1-0000
five 3s and four 4s (11-03), KTP-B1-0001 all 2s (11-04), KTP-A1-0002 all 1s (11-08 00:30,
after the period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.feedback.models import SurveyResponse
from app.feedback.service import grade_for, ikm_index
from app.operators.models import Operator
from app.requests.issued_send import DELIVERY_ACTOR
from app.requests.models import Request, RequestEvent
from app.residents.models import Resident
from tests.support.factories import World, _password_hash, add_resident, ktp_fields

WIB = ZoneInfo("Asia/Jakarta")
FIRST_DAY = date(2026, 11, 1)
LAST_DAY = date(2026, 11, 7)
PERIOD = {"from": "2026-11-01", "to": "2026-11-07"}

CLEAN = ("in_review", "processing", "ready_for_pickup", "completed")
CORRECTED = (
    "in_review",
    "needs_correction",
    "in_review",
    "processing",
    "ready_for_pickup",
    "completed",
)


def wib(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A local (WIB) time in 2026, as the aware datetime the database keeps."""
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def _at(text: str) -> datetime:
    """ "11-02 06:00" → that WIB time in 2026."""
    return datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=WIB)


@dataclass(frozen=True)
class Seeded:
    ticket: str
    office: str
    service: str
    submitted: datetime
    completed: datetime | None
    due: date
    moves: tuple[str, ...]


def _seeded(row: tuple[str, str, str, str, str, str, tuple[str, ...]]) -> Seeded:
    ticket, office, service, submitted, completed, due, moves = row
    due_date = date.fromisoformat(f"2026-{due}")
    return Seeded(
        ticket,
        office,
        service,
        _at(submitted),
        _at(completed) if completed else None,
        due_date,
        moves,
    )


HOME = (
    "in_review",
    "needs_correction",
    "in_review",
    "processing",
    "out_for_delivery",
    "completed",
)
DIGITAL = ("in_review", "processing", "completed")
# Taken down at an office counter; the rest applied by chat.
AT_COUNTER = frozenset({"KTP-A1-0000", "KTP-B1-0001"})
# Completed by the issued PDF reaching the resident's chat (app.requests.issued_send).
PDF_DELIVERED = frozenset({"KTP-A2-0001"})

# fmt: off
REQUESTS = [_seeded(row) for row in [
    ("KTP-A1-0000", "DESA-A1", "ktp", "10-31 23:59", "11-02 23:59", "11-03", CORRECTED),
    ("KTP-A1-0001", "DESA-A1", "ktp", "11-01 09:00", "11-03 09:00", "11-05", CLEAN),
    ("KTP-A1-0002", "DESA-A1", "ktp", "11-02 06:00", "11-06 18:00", "11-05", HOME),
    ("KTP-A2-0001", "DESA-A2", "ktp", "11-03 10:00", "11-06 10:00", "11-06", CLEAN),
    ("KK-KECA-0001", "KEC-A", "kk", "11-02 08:00", "", "11-05", ("in_review",)),
    ("KK-KECA-0002", "KEC-A", "kk", "11-04 08:00", "", "11-07", ("in_review", "needs_correction")),
    ("KTP-A1-0003", "DESA-A1", "ktp", "11-04 12:00", "", "11-18", ()),
    ("KTP-A2-0002", "DESA-A2", "ktp", "11-07 08:00", "11-08 00:30", "11-21", CLEAN),
    ("KTP-B1-0001", "DESA-B1", "ktp", "11-02 10:00", "11-03 10:00", "11-10", DIGITAL),
    ("AKTA-B-0001", "KEC-B", "akta_kelahiran", "11-05 10:00", "", "11-08", ("in_review",)),
    ("KTP-KAB-0001", "KAB", "ktp", "11-03 08:00", "", "11-17", ("rejected",)),
]]
SURVEYS = [
    ("KTP-A1-0001", [4] * 9, _at("11-03 12:00")),
    ("KTP-A2-0001", [3] * 9, _at("11-06 12:00")),
    ("KTP-A1-0000", [3] * 5 + [4] * 4, _at("11-03 08:00")),
    ("KTP-B1-0001", [2] * 9, _at("11-04 09:00")),
    ("KTP-A1-0002", [1] * 9, _at("11-08 00:30")),
]
# fmt: on
NIKS = ["3201014508900003", "3201021203850001", "3202034107920002"]


async def _add(session: AsyncSession, seeded: Seeded, office_id: int, resident: Resident) -> int:
    if seeded.service == "akta_kelahiran":
        fields = {"nik_pelapor": NIKS[2], "nama_anak": "Bayi", "no_kk": "3202010101200001"}
    else:
        fields = ktp_fields(NIKS[len(seeded.ticket) % 2], resident.name or "")
    status = seeded.moves[-1] if seeded.moves else "submitted"
    request = Request(
        ticket=seeded.ticket,
        service_code=seeded.service,
        variant=None if seeded.service == "akta_kelahiran" else "baru",
        resident_id=resident.id,
        office_id=office_id,
        status=status,
        fields=fields,
        warnings=[],
        language="id",
        channel="counter" if seeded.ticket in AT_COUNTER else "whatsapp",
        submitted_at=seeded.submitted,
        due_date=seeded.due,
        completed_at=seeded.completed,
        created_at=seeded.submitted,
        updated_at=seeded.completed or seeded.submitted,
    )
    session.add(request)
    await session.flush()
    previous, at = None, seeded.submitted
    for to_status in ("submitted", *seeded.moves):
        last = to_status == "completed" and seeded.completed is not None
        at = seeded.completed if last and seeded.completed else at + timedelta(minutes=5)
        delivered = last and seeded.ticket in PDF_DELIVERED
        session.add(
            RequestEvent(
                request_id=request.id,
                at=at,
                actor=DELIVERY_ACTOR if delivered else "operator:x",
                from_status=previous,
                to_status=to_status,
            )
        )
        previous = to_status
    # A note on the history is not a status move and must not count as one.
    session.add(
        RequestEvent(
            request_id=request.id, at=at, actor="operator:x", note="catatan", data={"kind": "note"}
        )
    )
    await session.flush()
    return request.id


async def seed_figures(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> dict[str, int]:
    """The requests and surveys above plus a district operator at KEC-B (`kec_b`)."""
    async with unit_of_work(sessionmaker) as session:
        session.add(
            Operator(
                username="kec_b",
                display_name="kec_b",
                role="district",
                office_id=world.offices["KEC-B"],
                password_hash=_password_hash(),
                created_at=wib(10, 1, 8),
            )
        )
        residents = [
            await add_resident(session, "6289900000011", "Siti Aminah"),
            await add_resident(session, "6289900000012", '=HYPERLINK("http://x")'),
        ]
        ids: dict[str, int] = {}
        for n, seeded in enumerate(REQUESTS):
            resident = residents[n % 2]
            ids[seeded.ticket] = await _add(session, seeded, world.offices[seeded.office], resident)
        for ticket, scores, at in SURVEYS:
            request = await session.get(Request, ids[ticket])
            assert request is not None
            index = ikm_index(sum(scores), 1)
            session.add(
                SurveyResponse(
                    request_id=request.id,
                    resident_id=request.resident_id,
                    office_id=request.office_id,
                    service_code=request.service_code,
                    **{f"u{i + 1}": score for i, score in enumerate(scores)},
                    index=round(index, 2),
                    grade=grade_for(index),
                    created_at=at,
                )
            )
    return ids
