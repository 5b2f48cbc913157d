"""A small audit trail over the shared office tree, for the repository and page tests.

On top of `tests.support.factories` (KAB > KEC-A > DESA-A1/A2, KEC-B > DESA-B1, and the requests of
REQUESTS) it adds an office outside KAB's tree (LAIN, with request LAIN-261120-0001) and:

- audit_event rows A1..A8 (names are the keys of `AuditTrail.actions`);
- document_access rows D1..D5 over documents attached to requests in and out of KAB's tree;
- request_event rows H1..H6, five by operators, one by the system.

Times are UTC; the tests' timezone is Asia/Jakarta (UTC+7), so A7 (18:30 UTC on the 20th) falls
on the local 21st and A6 (16:59:59 UTC) is the last second of the local 20th.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit.service import AuditAction, record
from app.db import unit_of_work
from app.locker.models import Document, DocumentAccess
from app.offices.service import NewOffice, create_office
from app.requests.models import Request, RequestDocument, RequestEvent
from tests.support.factories import World, add_request, add_resident, seed_requests


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A UTC moment in November 2026."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


@dataclass
class AuditTrail:
    """Ids of what was seeded, by name, and the office ids (LAIN included)."""

    offices: dict[str, int]
    requests: dict[str, Request]
    actions: dict[str, int]
    reads: dict[str, int]
    documents: dict[str, int]
    history: dict[str, int]


# name, actor, action, target, office code, ip, detail, at
_A = AuditAction
ACTIONS = [
    ("A1", "operator:kec_a", _A.LOGIN, "kec_a", "KEC-A", "10.0.0.1", {}, at(20, 2)),
    ("A2", "anonymous", _A.LOGIN_FAILED, "desa_b1", "DESA-B1", "10.0.0.2", {}, at(20, 3)),
    ("A3", "operator:kab", _A.EXPORT, "requests.csv", "KAB", "10.0.0.3", {"rows": 7}, at(20, 4)),
    ("A4", "operator:desa_a1", _A.PICKUP_OVERRIDE, "KTP-261120-0001", "DESA-A1", None,
     {"note": "kode hilang"}, at(20, 5)),
    ("A5", "cli", _A.TOKEN_CREATED, "root", None, None, {"prefix": "lkt_ab12"}, at(20, 6)),
    ("A6", "operator:lain", _A.LOGIN, "lain", "LAIN", "10.0.0.6", {}, at(20, 16, 59, 59)),
    ("A7", "anonymous", _A.LOGIN_FAILED, "kab", "KAB", "10.0.0.7", {"throttled": True},
     at(20, 18, 30)),
    ("A8", "operator:kec_a", _A.FORWARDED, "KK-261120-0001", "KEC-A", "10.0.0.1", {}, at(21, 1)),
]  # fmt: skip


_NOTE = {"kind": "note"}
# name, ticket, actor, (from, to), note, data, at
HISTORY = [
    ("H1", "KTP-261120-0001", "operator:desa_a1", ("submitted", "in_review"), None, {}, at(20, 2)),
    ("H2", "KK-261120-0001", "operator:kec_a", (None, None), "cek berkas", _NOTE, at(20, 3)),
    ("H3", "KTP-261120-0003", "operator:desa_b1", ("in_review", "processing"), None, {},
     at(20, 4)),
    ("H4", "KTP-261120-0001", "system", ("in_review", "processing"), None, {}, at(20, 5)),
    ("H5", "LAIN-261120-0001", "operator:lain", ("submitted", "in_review"), None, {}, at(20, 6)),
    ("H6", "AKTA-261120-0001", "operator:root", (None, None), "untuk pusat", _NOTE, at(20, 7)),
]  # fmt: skip


async def _document(session: AsyncSession, resident_id: int, requirement: str) -> int:
    document = Document(resident_id=resident_id, requirement=requirement, kind=requirement)
    session.add(document)
    await session.flush()
    return document.id


async def seed_audit_trail(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> AuditTrail:
    """Everything described in the module docstring, committed."""
    made = await seed_requests(sessionmaker, world)
    async with unit_of_work(sessionmaker) as session:
        lain = await create_office(session, NewOffice("LAIN", "Kantor Lain", "regency", None))
        offices = world.offices | {"LAIN": lain.id}
        stranger = await add_resident(session, "6289900000009", "Dewi Lain")
        made["LAIN-261120-0001"] = await add_request(
            session, ticket="LAIN-261120-0001", resident=stranger, office_id=lain.id, minutes=8
        )
        actions: dict[str, int] = {}
        for name, actor, action, target, office, ip, detail, when in ACTIONS:
            event = record(
                session,
                actor=actor,
                action=action,
                target=target,
                office_id=offices[office] if office else None,
                ip=ip,
                detail=detail,
                at=when,
            )
            await session.flush()
            actions[name] = event.id

        resident = made["KTP-261120-0001"].resident_id
        documents = {
            "shared": await _document(session, resident, "ktp_lama"),  # KTP-0001 and KK-0001
            "desa_b1": await _document(session, resident, "kk"),  # KTP-0003 (DESA-B1)
            "loose": await _document(session, resident, "foto"),  # attached to nothing
            "lain": await _document(session, stranger.id, "kk"),  # LAIN-0001
        }
        for ticket, key in [
            ("KTP-261120-0001", "shared"),
            ("KK-261120-0001", "shared"),
            ("KTP-261120-0003", "desa_b1"),
            ("LAIN-261120-0001", "lain"),
        ]:
            session.add(
                RequestDocument(
                    request_id=made[ticket].id, document_id=documents[key], requirement="kk"
                )
            )
        reads: dict[str, int] = {}
        for name, key, actor, action, reason, when in [
            ("D1", "shared", "operator:desa_a1", "view", "dashboard", at(20, 2)),
            ("D2", "desa_b1", "operator:kab", "download", "api", at(20, 3)),
            ("D3", "loose", "system", "view", "intake", at(20, 4)),
            ("D4", "lain", "operator:lain", "view", "dashboard", at(20, 5)),
            ("D5", None, "operator:root", "delete", "erasure", at(20, 6)),
        ]:
            access = DocumentAccess(
                document_id=documents[key] if key else None,
                actor=actor,
                action=action,
                reason=reason,
                at=when,
            )
            session.add(access)
            await session.flush()
            reads[name] = access.id

        history: dict[str, int] = {}
        for name, ticket, actor, moves, note, data, when in HISTORY:
            event = RequestEvent(
                request_id=made[ticket].id,
                actor=actor,
                from_status=moves[0],
                to_status=moves[1],
                note=note,
                data=data,
                at=when,
            )
            session.add(event)
            await session.flush()
            history[name] = event.id
    return AuditTrail(offices, made, actions, reads, documents, history)
