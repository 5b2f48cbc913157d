"""Synthetic offices, operators, residents, requests and documents for the API tests.

The office tree and the operators in it:

    KAB (regency)          root: admin, no office — sees everything
    ├── KEC-A (district)   kab: admin at KAB
    │   ├── DESA-A1        kec_a: district operator at KEC-A
    │   └── DESA-A2        desa_a1: village operator at DESA-A1
    └── KEC-B (district)   desa_b1: village operator at DESA-B1
        └── DESA-B1

Phone numbers use 62 899, which is not assigned to any operator; NIKs are made up.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import unit_of_work
from app.locker.models import Document, DocumentStatus
from app.locker.store import BlobStore
from app.offices.service import NewOffice, create_office
from app.operators import service as operators
from app.operators.auth import hash_password
from app.operators.models import Operator
from app.requests.models import Request, RequestDocument, RequestEvent
from app.residents.models import Resident

START = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
DUE_AFTER = timedelta(days=14 + 365 * 3)
OFFICES = [
    ("KAB", "regency", None),
    ("KEC-A", "district", "KAB"),
    ("KEC-B", "district", "KAB"),
    ("DESA-A1", "village", "KEC-A"),
    ("DESA-A2", "village", "KEC-A"),
    ("DESA-B1", "village", "KEC-B"),
]
OPERATORS = [
    ("root", "admin", None),
    ("kab", "admin", "KAB"),
    ("kec_a", "district", "KEC-A"),
    ("desa_a1", "village", "DESA-A1"),
    ("desa_b1", "village", "DESA-B1"),
]


PASSWORD = "sandi-uji-123"


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class World:
    """Office ids by code and each operator's API token."""

    offices: dict[str, int]
    tokens: dict[str, str]

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


async def build_world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    """The office tree and its operators, committed, each operator with one token."""
    async with unit_of_work(sessionmaker) as session:
        offices: dict[str, int] = {}
        for code, level, parent in OFFICES:
            office = await create_office(session, NewOffice(code, f"Kantor {code}", level, parent))
            offices[code] = office.id
        tokens: dict[str, str] = {}
        for username, role, office_code in OPERATORS:
            # Rows made directly with one shared hash: Argon2 is slow on purpose, and the rules of
            # `create_operator` have their own tests.
            session.add(
                Operator(
                    username=username,
                    display_name=username,
                    role=role,
                    office_id=offices[office_code] if office_code else None,
                    password_hash=_password_hash(),
                    created_at=START,
                )
            )
            await session.flush()
            _, tokens[username] = await operators.issue_token(session, username, now=START)
    return World(offices, tokens)


def ktp_fields(nik: str, name: str, **more: Any) -> dict[str, Any]:
    """Answers of a KTP-el request (no_kk is a KK number: masked in lists as well)."""
    return {
        "nik": nik,
        "nama": name,
        "tanggal_lahir": "1990-08-05",
        "no_kk": "3201012208150007",
        "alamat": "Jl. Melati 3",
        **more,
    }


async def add_resident(
    session: AsyncSession,
    wa_id: str | None,
    name: str,
    *,
    user_id: str | None = None,
    last_inbound_at: datetime | None = None,
) -> Resident:
    resident = Resident(
        wa_id=wa_id, user_id=user_id, name=name, language="id", last_inbound_at=last_inbound_at
    )
    session.add(resident)
    await session.flush()
    return resident


async def add_request(
    session: AsyncSession,
    *,
    ticket: str,
    resident: Resident,
    office_id: int | None,
    status: str = "submitted",
    service: str = "ktp",
    variant: str | None = "baru",
    fields: dict[str, Any] | None = None,
    minutes: int = 0,
) -> Request:
    """A request created `minutes` after START, with its first history entry."""
    at = START + timedelta(minutes=minutes)
    request = Request(
        ticket=ticket,
        service_code=service,
        variant=variant,
        resident_id=resident.id,
        office_id=office_id,
        status=status,
        fields=fields if fields is not None else ktp_fields("3201014508900003", "Siti Aminah"),
        warnings=[],
        language="id",
        submitted_at=at if status != "collecting" else None,
        # Due long after START: a test run on a later day must not find the world overdue
        # (the queue's "overdue" is against today); tests of overdue set a past date.
        due_date=(at + DUE_AFTER).date(),
        created_at=at,
        updated_at=at,
    )
    session.add(request)
    await session.flush()
    session.add(
        RequestEvent(
            request_id=request.id,
            at=at,
            actor="resident",
            from_status=None,
            to_status=status,
            note="submitted by WhatsApp",
        )
    )
    await session.flush()
    return request


async def add_document(
    session: AsyncSession,
    store: BlobStore,
    *,
    resident: Resident,
    requirement: str,
    content: bytes,
    mime_type: str = "image/jpeg",
    attach_to: Request | None = None,
) -> Document:
    """An accepted document whose file is in the locker, attached to `attach_to` if given."""
    put = await store.put_bytes(content)
    document = Document(
        resident_id=resident.id,
        request_ref=attach_to.ticket if attach_to else None,
        requirement=requirement,
        kind=requirement,
        media_id=f"media-{requirement}-{put.sha256[:8]}",
        status=DocumentStatus.ACCEPTED.value,
        sha256=put.sha256,
        size=put.size,
        mime_type=mime_type,
        created_at=START,
    )
    session.add(document)
    await session.flush()
    if attach_to is not None:
        session.add(
            RequestDocument(
                request_id=attach_to.id, document_id=document.id, requirement=requirement
            )
        )
        await session.flush()
    return document


SITI = ("6289900000001", "Siti Aminah")
BUDI = ("6289900000002", "Budi Santoso")
WATI = ("6289900000003", "Wati Lestari")
# ticket, office code (None: not routed), status, service, resident, NIK, minutes after START
REQUESTS = [
    ("KTP-261120-0001", "DESA-A1", "submitted", "ktp", SITI, "3201014508900003", 1),
    ("KTP-261120-0002", "DESA-A2", "in_review", "ktp", BUDI, "3201021203850001", 2),
    ("KK-261120-0001", "KEC-A", "submitted", "kk", SITI, "3201014508900003", 3),
    ("KTP-261120-0003", "DESA-B1", "submitted", "ktp", WATI, "3202034107920002", 4),
    ("KTP-261120-0004", "DESA-A1", "collecting", "ktp", BUDI, "3201021203850001", 5),
    ("AKTA-261120-0001", None, "submitted", "akta_kelahiran", WATI, "3202034107920002", 6),
    ("KTP-261120-0005", "KAB", "completed", "ktp", SITI, "3201014508900003", 7),
]


async def seed_requests(
    sessionmaker: async_sessionmaker[AsyncSession], world: World
) -> dict[str, Request]:
    """The requests of REQUESTS, by ticket (Budi also has a business-scoped user_id)."""
    async with unit_of_work(sessionmaker) as session:
        residents: dict[str, Resident] = {}
        for wa_id, name in (SITI, BUDI, WATI):
            user_id = "ID.4f2a9c" if name.startswith("Budi") else None
            residents[wa_id] = await add_resident(session, wa_id, name, user_id=user_id)
        made: dict[str, Request] = {}
        for ticket, office, status, service, (wa_id, name), nik, minutes in REQUESTS:
            fields = (
                {"nik_pelapor": nik, "nama_anak": "Bayi", "no_kk": "3202010101200001"}
                if service == "akta_kelahiran"
                else ktp_fields(nik, name)
            )
            made[ticket] = await add_request(
                session,
                ticket=ticket,
                resident=residents[wa_id],
                office_id=world.offices[office] if office else None,
                status=status,
                service=service,
                variant=None if service == "akta_kelahiran" else "baru",
                fields=fields,
                minutes=minutes,
            )
    return made
