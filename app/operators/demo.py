"""`loket demo`: a small office tree and three operators to try Loket with, in sandbox mode.

Running it again changes nothing and prints the same credentials: passwords are not stored in
clear anywhere, they are derived from the install's own secret key (kept in `var/` in sandbox
mode), so the same install always gets the same demo passwords and another install different ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.offices import repository as office_repository
from app.offices import service as offices
from app.offices.models import Office
from app.offices.service import NewOffice, OfficeError
from app.operators import auth
from app.operators import service as operators
from app.operators.service import NewOperator

_HOURS = "Senin–Jumat 08.00–15.00 WIB"
# code, name, level, parent code, address; the regency is the root office `migrate` leaves.
DEMO_OFFICES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    ("PUSAT", "Kantor Pelayanan", "regency", None, None),
    ("KEC-SUKAMAJU", "Kecamatan Sukamaju", "district", "PUSAT", "Jl. Merdeka No. 1, Sukamaju"),
    ("KEC-MEKARJAYA", "Kecamatan Mekarjaya", "district", "PUSAT", "Jl. Pahlawan No. 7, Mekarjaya"),
    ("DESA-SUKAMAJU", "Desa Sukamaju", "village", "KEC-SUKAMAJU", "Jl. Desa No. 2, Sukamaju"),
    ("DESA-MEKARJAYA", "Desa Mekarjaya", "village", "KEC-MEKARJAYA", "Jl. Balai No. 3, Mekarjaya"),
)
# username, display name, role, office code
DEMO_OPERATORS: tuple[tuple[str, str, str, str | None], ...] = (
    ("admin", "Admin Demo", "admin", None),
    ("kecamatan", "Petugas Kecamatan Sukamaju", "district", "KEC-SUKAMAJU"),
    ("desa", "Petugas Desa Sukamaju", "village", "DESA-SUKAMAJU"),
)


@dataclass(frozen=True)
class DemoCredential:
    """One demo operator; `password` is None when someone changed it since it was seeded."""

    username: str
    role: str
    office_code: str | None
    password: str | None
    created: bool


@dataclass(frozen=True)
class DemoResult:
    offices: list[Office]
    credentials: list[DemoCredential]


def demo_password(secret: str, username: str) -> str:
    """The demo password of `username` on the install whose secret key is `secret`."""
    digest = hmac.new(secret.encode(), f"loket-demo:{username}".encode(), hashlib.sha256).digest()
    # Base32 in lower case: letters and digits only, easy to read off a terminal and type.
    return base64.b32encode(digest).decode().lower()[:16]


async def seed_demo(session: AsyncSession, *, secret: str, now: datetime) -> DemoResult:
    """Create whatever demo offices and operators are missing; report all of them."""
    seeded = [await _office(session, spec, now) for spec in DEMO_OFFICES]
    credentials = [await _operator(session, spec, secret, now) for spec in DEMO_OPERATORS]
    return DemoResult(offices=seeded, credentials=credentials)


async def _office(
    session: AsyncSession, spec: tuple[str, str, str, str | None, str | None], now: datetime
) -> Office:
    code, name, level, parent, address = spec
    existing = await offices.get_by_code(session, code)
    if existing is None:
        new = NewOffice(code, name, level, parent, address, _HOURS if address else None)
        return await offices.create_office(session, new, now=now)
    if existing.level != level:
        raise OfficeError(f"office {code} exists as a {existing.level}, not a {level}: remove it")
    return existing


async def _operator(
    session: AsyncSession,
    spec: tuple[str, str, str, str | None],
    secret: str,
    now: datetime,
) -> DemoCredential:
    username, display_name, role, office_code = spec
    password = demo_password(secret, username)
    existing = await operators.get_operator(session, username)
    if existing is None:
        new = NewOperator(username, role, password, office_code, display_name)
        await operators.create_operator(session, new, now=now)
        return DemoCredential(username, role, office_code, password, created=True)
    office = (
        await office_repository.get(session, existing.office_id) if existing.office_id else None
    )
    unchanged = auth.verify_password(existing.password_hash, password)
    return DemoCredential(
        username,
        existing.role,
        office.code if office is not None else None,
        password if unchanged else None,
        created=False,
    )
