"""Dashboard sessions kept on the server, so that they can be ended.

The signed cookie alone cannot be taken back: a copy keeps working until it expires. Each
sign-in therefore gets a row here, and the cookie carries only a random token naming it. Every
page looks the row up; signing out, disabling the operator or changing their password ends it,
and every copy of the cookie stops working at the next request.
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import utcnow
from app.operators.auth import token_digest
from app.operators.models import Operator, OperatorSession

# Ended and expired rows are kept this long (who signed in from where, for an investigation),
# then removed when someone signs in.
KEEP_ENDED = timedelta(days=30)


class EndReason(enum.StrEnum):
    SIGNED_OUT = "signed_out"
    DISABLED = "disabled"
    PASSWORD_CHANGED = "password_changed"


async def start_session(
    session: AsyncSession,
    operator: Operator,
    *,
    lifetime: timedelta,
    ip: str | None = None,
    now: datetime | None = None,
) -> str:
    """Open a session for `operator`; returns the token to put in the cookie (shown once)."""
    now = now or utcnow()
    await session.execute(
        delete(OperatorSession).where(OperatorSession.expires_at < now - KEEP_ENDED)
    )
    token = secrets.token_urlsafe(32)
    session.add(
        OperatorSession(
            operator_id=operator.id,
            token_hash=token_digest(token),
            created_at=now,
            expires_at=now + lifetime,
            ip=ip[:64] if ip else None,
        )
    )
    await session.flush()
    return token


async def operator_for_session(
    session: AsyncSession, token: str, *, now: datetime | None = None
) -> Operator | None:
    """The active operator whose open, unexpired session this token names; else None."""
    if not token:
        return None
    stmt = (
        select(Operator)
        .join(OperatorSession, OperatorSession.operator_id == Operator.id)
        .where(
            OperatorSession.token_hash == token_digest(token),
            OperatorSession.ended_at.is_(None),
            OperatorSession.expires_at > (now or utcnow()),
            Operator.active.is_(True),
        )
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def end_session(
    session: AsyncSession, token: str, *, now: datetime | None = None
) -> int | None:
    """End the session this token names (signing out); the operator's id, or None if none."""
    stmt = (
        update(OperatorSession)
        .where(
            OperatorSession.token_hash == token_digest(token), OperatorSession.ended_at.is_(None)
        )
        .values(ended_at=now or utcnow(), ended_reason=EndReason.SIGNED_OUT.value)
        .returning(OperatorSession.operator_id)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def end_all_sessions(
    session: AsyncSession, operator: Operator, reason: EndReason, *, now: datetime | None = None
) -> int:
    """End every open session of `operator` (all their browsers); how many were open."""
    result = await session.execute(
        update(OperatorSession)
        .where(OperatorSession.operator_id == operator.id, OperatorSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), ended_reason=reason.value)
    )
    return int(getattr(result, "rowcount", 0) or 0)
