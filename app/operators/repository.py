"""SQL for operators and API tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.operators.models import ApiToken, Operator


async def get(session: AsyncSession, operator_id: int) -> Operator | None:
    return await session.get(Operator, operator_id)


async def get_by_username(session: AsyncSession, username: str) -> Operator | None:
    stmt = select(Operator).where(Operator.username == username)
    return (await session.execute(stmt)).scalar_one_or_none()


async def add_operator(session: AsyncSession, operator: Operator) -> Operator:
    session.add(operator)
    await session.flush()
    return operator


async def add_token(session: AsyncSession, token: ApiToken) -> ApiToken:
    session.add(token)
    await session.flush()
    return token


async def live_token(session: AsyncSession, digest: str) -> tuple[ApiToken, Operator] | None:
    """The unrevoked token with this digest and its active operator, if both exist."""
    stmt = (
        select(ApiToken, Operator)
        .join(Operator, Operator.id == ApiToken.operator_id)
        .where(
            ApiToken.token_hash == digest,
            ApiToken.revoked_at.is_(None),
            Operator.active.is_(True),
        )
    )
    row = (await session.execute(stmt)).one_or_none()
    return (row[0], row[1]) if row is not None else None


async def tokens_of(session: AsyncSession, operator_id: int) -> Sequence[ApiToken]:
    """Every token of an operator, oldest first (revoked ones included)."""
    stmt = select(ApiToken).where(ApiToken.operator_id == operator_id).order_by(ApiToken.id)
    return (await session.execute(stmt)).scalars().all()


async def revoke_tokens(
    session: AsyncSession, operator_id: int, *, at: datetime, prefix: str | None = None
) -> int:
    """Revoke the operator's live tokens (only those starting with `prefix`, when given)."""
    stmt = update(ApiToken).where(
        ApiToken.operator_id == operator_id, ApiToken.revoked_at.is_(None)
    )
    if prefix is not None:
        stmt = stmt.where(ApiToken.prefix == prefix)
    result = await session.execute(stmt.values(revoked_at=at))
    return int(getattr(result, "rowcount", 0) or 0)


async def usernames_by_id(session: AsyncSession, operator_ids: Sequence[int]) -> dict[int, str]:
    """Each operator's username, for showing who holds a request."""
    if not operator_ids:
        return {}
    stmt = select(Operator.id, Operator.username).where(Operator.id.in_(operator_ids))
    return {row.id: row.username for row in await session.execute(stmt)}


async def display_names(session: AsyncSession, usernames: Sequence[str]) -> dict[str, str]:
    """Display names by username, for the operators that exist among `usernames`."""
    if not usernames:
        return {}
    stmt = select(Operator.username, Operator.display_name).where(
        Operator.username.in_(list(usernames))
    )
    return {str(u): str(d) for u, d in (await session.execute(stmt)).all()}
