"""Rules for operators: creating them, signing in, API tokens, and what each one may see."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import is_read_only, unit_of_work, utcnow
from app.offices import repository as offices
from app.offices import service as office_service
from app.offices.models import OfficeLevel
from app.operators import auth, repository, sessions
from app.operators.models import ApiToken, Operator, OperatorRole

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
# A non-admin role works at an office of exactly this level.
ROLE_LEVEL: dict[OperatorRole, OfficeLevel] = {
    OperatorRole.DISTRICT: OfficeLevel.DISTRICT,
    OperatorRole.VILLAGE: OfficeLevel.VILLAGE,
}
# Writing `last_used_at` on every API call would turn every read into a write; a minute is
# precise enough to tell which tokens are still in use.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


@functools.cache
def _dummy_hash() -> str:
    return auth.hash_password("not-a-real-password")


class OperatorError(ValueError):
    """An operator action cannot be done as asked; the message says why (one line)."""


Scope = frozenset[int] | None
"""The office ids an operator sees; None means every office (an admin without an office)."""


@dataclass(frozen=True)
class NewOperator:
    """What an administrator gives to create an operator."""

    username: str
    role: str
    password: str
    office_code: str | None = None
    display_name: str | None = None


def normalize_username(username: str) -> str:
    """Usernames are case-insensitive: `Budi` and `budi` are the same operator."""
    return username.strip().lower()


async def create_operator(
    session: AsyncSession, new: NewOperator, *, now: datetime | None = None
) -> Operator:
    """Create an operator with an Argon2 password hash.

    Raises OperatorError for a malformed or taken username, an unknown role, a weak password, or
    an office that does not fit the role (a district operator needs a district office, a village
    operator a village office; an admin may have any office or none).
    """
    username = normalize_username(new.username)
    if not _USERNAME.match(username):
        raise OperatorError(
            f"invalid username {new.username!r}: 2-64 lowercase letters, digits, '.', '_' or '-'"
        )
    role = _parse_role(new.role)
    problem = auth.password_problem(new.password)
    if problem is not None:
        raise OperatorError(problem)
    if await repository.get_by_username(session, username) is not None:
        raise OperatorError(f"an operator named {username} already exists")
    office_id = await _office_for(session, role, new.office_code)
    display_name = (new.display_name or "").strip() or username
    return await repository.add_operator(
        session,
        Operator(
            username=username,
            display_name=display_name[:200],
            role=role.value,
            office_id=office_id,
            password_hash=auth.hash_password(new.password),
            active=True,
            created_at=now or utcnow(),
        ),
    )


def _parse_role(role: str) -> OperatorRole:
    try:
        return OperatorRole(role)
    except ValueError:
        raise OperatorError(f"unknown role {role!r}: use admin, district or village") from None


async def _office_for(session: AsyncSession, role: OperatorRole, code: str | None) -> int | None:
    level = ROLE_LEVEL.get(role)
    if not code:
        if level is None:
            return None
        raise OperatorError(f"a {role.value} operator needs --office, the code of a {level.value}")
    office = await offices.get_by_code(session, code.strip())
    if office is None:
        raise OperatorError(f"no office with code {code}")
    if level is not None and office.level != level.value:
        raise OperatorError(
            f"a {role.value} operator works at a {level.value} office, "
            f"but {office.code} is a {office.level}"
        )
    return office.id


async def get_operator(session: AsyncSession, username: str) -> Operator | None:
    """The operator with this username (any case), if any."""
    return await repository.get_by_username(session, normalize_username(username))


async def require_operator(session: AsyncSession, username: str) -> Operator:
    """The operator with this username; OperatorError when there is none."""
    operator = await get_operator(session, username)
    if operator is None:
        raise OperatorError(f"no operator named {normalize_username(username)}")
    return operator


async def authenticate(
    session: AsyncSession, username: str, password: str, *, now: datetime | None = None
) -> Operator | None:
    """The active operator whose username and password match, else None (for the dashboard).

    Records the sign-in time, and upgrades the hash when Argon2's parameters have grown.
    """
    operator = await get_operator(session, username)
    if operator is None:
        # Verify anyway, so a wrong username takes as long as a wrong password.
        auth.verify_password(_dummy_hash(), password)
        return None
    if not auth.verify_password(operator.password_hash, password) or not operator.active:
        return None
    if auth.needs_rehash(operator.password_hash):
        operator.password_hash = auth.hash_password(password)
    operator.last_login_at = now or utcnow()
    await session.flush()
    return operator


async def set_password(session: AsyncSession, operator: Operator, password: str) -> None:
    """Replace an operator's password; OperatorError when it is too weak."""
    problem = auth.password_problem(password)
    if problem is not None:
        raise OperatorError(problem)
    operator.password_hash = auth.hash_password(password)
    await session.flush()


@dataclass(frozen=True)
class AccessEnded:
    """What a disable or a password change took away from an operator."""

    operator: Operator
    sessions_ended: int
    tokens_revoked: int = 0


async def change_password(
    session: AsyncSession, username: str, password: str, *, now: datetime | None = None
) -> AccessEnded:
    """Set a new password and end every dashboard session of the operator (API tokens stay)."""
    operator = await require_operator(session, username)
    await set_password(session, operator, password)
    ended = await sessions.end_all_sessions(
        session, operator, sessions.EndReason.PASSWORD_CHANGED, now=now
    )
    return AccessEnded(operator, ended)


async def disable_operator(
    session: AsyncSession, username: str, *, now: datetime | None = None
) -> AccessEnded:
    """Disable an operator: sign-in refused, sessions ended and API tokens revoked at once."""
    operator = await require_operator(session, username)
    if not operator.active:
        raise OperatorError(f"operator {operator.username} is already disabled")
    now = now or utcnow()
    operator.active = False
    ended = await sessions.end_all_sessions(session, operator, sessions.EndReason.DISABLED, now=now)
    revoked = await repository.revoke_tokens(session, operator.id, at=now)
    await session.flush()
    return AccessEnded(operator, ended, revoked)


async def enable_operator(session: AsyncSession, username: str) -> Operator:
    """Let a disabled operator sign in again (their old API tokens stay revoked)."""
    operator = await require_operator(session, username)
    if operator.active:
        raise OperatorError(f"operator {operator.username} is not disabled")
    operator.active = True
    await session.flush()
    return operator


async def issue_token(
    session: AsyncSession, username: str, *, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new API token for the operator: the stored row and the token itself (shown once)."""
    operator = await require_operator(session, username)
    if not operator.active:
        raise OperatorError(f"operator {operator.username} is deactivated")
    new = auth.generate_token()
    row = await repository.add_token(
        session,
        ApiToken(
            operator_id=operator.id,
            token_hash=new.digest,
            prefix=new.prefix,
            created_at=now or utcnow(),
        ),
    )
    return row, new.value


async def revoke_tokens(
    session: AsyncSession,
    username: str,
    *,
    prefix: str | None = None,
    now: datetime | None = None,
) -> int:
    """Revoke the operator's tokens (only the one with `prefix`, when given); how many."""
    operator = await require_operator(session, username)
    return await repository.revoke_tokens(session, operator.id, at=now or utcnow(), prefix=prefix)


async def operator_for_token(
    session: AsyncSession,
    token: str,
    *,
    now: datetime | None = None,
    writer: async_sessionmaker[AsyncSession] | None = None,
) -> Operator | None:
    """The active operator holding this unrevoked token, else None.

    The token's `last_used_at` moves at most once a minute; in a read-only session that write
    goes through a short transaction of its own from `writer` (skipped without one).
    """
    if not token:
        return None
    found = await repository.live_token(session, auth.token_digest(token))
    if found is None:
        return None
    row, operator = found
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        if not is_read_only(session):
            row.last_used_at = now
            await session.flush()
        elif writer is not None:
            async with unit_of_work(writer) as own:
                await own.execute(
                    update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now)
                )
    return operator


async def scope_of(session: AsyncSession, operator: Operator) -> Scope:
    """The offices whose requests the operator sees: its office and everything below it.

    An admin without an office sees every office (None). Any other operator without an office
    (which `create_operator` never makes) sees nothing rather than everything.
    """
    if operator.office_id is None:
        return None if operator.role == OperatorRole.ADMIN else frozenset()
    return frozenset(await office_service.descendants(session, operator.office_id))


def in_scope(scope: Scope, office_id: int | None) -> bool:
    """True when a request routed to `office_id` is visible within `scope`."""
    if scope is None:
        return True
    return office_id is not None and office_id in scope


@dataclass(frozen=True)
class Viewer:
    """The signed-in operator and the offices whose requests they may see (the API's token
    holder, the dashboard's session)."""

    operator: Operator
    scope: Scope

    @property
    def actor(self) -> str:
        return self.operator.actor
