"""Operators: creation rules, sign-in, API tokens and the offices each one sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.offices.models import Office
from app.offices.service import NewOffice, create_office
from app.operators import service
from app.operators.models import ApiToken, Operator
from app.operators.service import NewOperator, OperatorError

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


async def _offices(session: AsyncSession) -> dict[str, Office]:
    made: dict[str, Office] = {}
    for code, level, parent in [
        ("O-KAB", "regency", None),
        ("O-KEC", "district", "O-KAB"),
        ("O-KEC-2", "district", "O-KAB"),
        ("O-DESA", "village", "O-KEC"),
        ("O-DESA-2", "village", "O-KEC-2"),
    ]:
        made[code] = await create_office(session, NewOffice(code, code, level, parent))
    return made


async def _operator(
    session: AsyncSession, username: str, role: str, office: str | None
) -> Operator:
    return await service.create_operator(
        session, NewOperator(username, role, "kata-sandi-1", office), now=NOW
    )


async def test_an_operator_is_created_with_an_argon2_hash(db_session: AsyncSession) -> None:
    offices = await _offices(db_session)
    operator = await service.create_operator(
        db_session, NewOperator(" Budi ", "village", "kata-sandi-1", "O-DESA", "Budi S."), now=NOW
    )
    assert operator.username == "budi"
    assert (operator.role, operator.office_id) == ("village", offices["O-DESA"].id)
    assert operator.display_name == "Budi S."
    assert operator.password_hash.startswith("$argon2id$")
    assert "kata-sandi-1" not in operator.password_hash
    assert (operator.active, operator.created_at, operator.last_login_at) == (True, NOW, None)
    assert operator.actor == "operator:budi"


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        (NewOperator("x", "admin", "kata-sandi-1"), "invalid username 'x'"),
        (NewOperator("a b", "admin", "kata-sandi-1"), "invalid username 'a b'"),
        (NewOperator("siti", "boss", "kata-sandi-1"), "unknown role 'boss'"),
        (NewOperator("siti", "admin", ""), "the password is empty"),
        (NewOperator("siti", "admin", "pendek"), "shorter than 8 characters"),
        (NewOperator("siti", "district", "kata-sandi-1"), "a district operator needs --office"),
        (NewOperator("siti", "village", "kata-sandi-1"), "a village operator needs --office"),
        (NewOperator("siti", "district", "kata-sandi-1", "O-DESA"), "O-DESA is a village"),
        (NewOperator("siti", "village", "kata-sandi-1", "O-KEC"), "O-KEC is a district"),
        (NewOperator("siti", "admin", "kata-sandi-1", "NOPE"), "no office with code NOPE"),
        (NewOperator("Ani", "admin", "kata-sandi-1"), "an operator named ani already exists"),
    ],
)
async def test_an_operator_that_does_not_fit_is_refused(
    db_session: AsyncSession, new: NewOperator, reason: str
) -> None:
    await _offices(db_session)
    await _operator(db_session, "ani", "admin", None)
    with pytest.raises(OperatorError) as caught:
        await service.create_operator(db_session, new)
    assert reason in str(caught.value)


async def test_authenticate_checks_the_password_and_records_the_sign_in(
    db_session: AsyncSession,
) -> None:
    await _offices(db_session)
    await _operator(db_session, "ani", "admin", "O-KAB")
    assert await service.authenticate(db_session, "ani", "salah-sandi", now=NOW) is None
    assert await service.authenticate(db_session, "nobody", "kata-sandi-1", now=NOW) is None
    operator = await service.authenticate(db_session, "ANI", "kata-sandi-1", now=NOW)
    assert operator is not None and operator.last_login_at == NOW
    operator.active = False
    assert await service.authenticate(db_session, "ani", "kata-sandi-1", now=NOW) is None


async def test_a_token_finds_its_operator_until_revoked(db_session: AsyncSession) -> None:
    await _offices(db_session)
    await _operator(db_session, "ani", "admin", None)
    row, token = await service.issue_token(db_session, "ani", now=NOW)
    assert row.prefix == token[:12]
    stored = (await db_session.execute(select(ApiToken))).scalars().all()
    assert [t.token_hash for t in stored] == [row.token_hash]
    assert token not in row.token_hash

    found = await service.operator_for_token(db_session, token, now=NOW)
    assert found is not None and found.username == "ani"
    assert row.last_used_at == NOW
    # Within a minute the use is not written again; after it, it is.
    await service.operator_for_token(db_session, token, now=NOW + timedelta(seconds=30))
    assert row.last_used_at == NOW
    later = NOW + timedelta(minutes=2)
    await service.operator_for_token(db_session, token, now=later)
    assert row.last_used_at == later

    assert await service.operator_for_token(db_session, token + "x") is None
    assert await service.operator_for_token(db_session, "") is None
    assert await service.revoke_tokens(db_session, "ani", prefix="nomatch1", now=NOW) == 0
    assert await service.revoke_tokens(db_session, "ani", prefix=row.prefix, now=NOW) == 1
    await db_session.refresh(row)
    assert row.revoked_at == NOW
    assert await service.operator_for_token(db_session, token) is None


async def test_a_deactivated_operator_cannot_use_or_get_tokens(db_session: AsyncSession) -> None:
    await _offices(db_session)
    operator = await _operator(db_session, "ani", "admin", None)
    _, token = await service.issue_token(db_session, "ani")
    operator.active = False
    await db_session.flush()
    assert await service.operator_for_token(db_session, token) is None
    with pytest.raises(OperatorError, match="operator ani is deactivated"):
        await service.issue_token(db_session, "ani")
    with pytest.raises(OperatorError, match="no operator named nobody"):
        await service.issue_token(db_session, "nobody")


async def test_scope_is_the_operators_office_and_everything_below(
    db_session: AsyncSession,
) -> None:
    offices = await _offices(db_session)
    ids = {code: office.id for code, office in offices.items()}
    admin = await _operator(db_session, "root", "admin", None)
    regency_admin = await _operator(db_session, "kab", "admin", "O-KAB")
    district = await _operator(db_session, "kec", "district", "O-KEC")
    village = await _operator(db_session, "desa", "village", "O-DESA")

    assert await service.scope_of(db_session, admin) is None
    assert await service.scope_of(db_session, regency_admin) == frozenset(ids.values())
    assert await service.scope_of(db_session, district) == {ids["O-KEC"], ids["O-DESA"]}
    assert await service.scope_of(db_session, village) == {ids["O-DESA"]}

    # A non-admin somehow without an office sees nothing rather than everything.
    village.office_id = None
    assert await service.scope_of(db_session, village) == frozenset()

    assert service.in_scope(None, None) and service.in_scope(None, ids["O-DESA-2"])
    assert service.in_scope(frozenset({ids["O-DESA"]}), ids["O-DESA"])
    assert not service.in_scope(frozenset({ids["O-DESA"]}), ids["O-DESA-2"])
    assert not service.in_scope(frozenset({ids["O-DESA"]}), None)


async def test_set_password_replaces_the_hash(db_session: AsyncSession) -> None:
    operator = await _operator(db_session, "ani", "admin", None)
    with pytest.raises(OperatorError, match="shorter than 8"):
        await service.set_password(db_session, operator, "pendek")
    await service.set_password(db_session, operator, "sandi-baru-99")
    assert await service.authenticate(db_session, "ani", "sandi-baru-99") is not None
    assert await service.authenticate(db_session, "ani", "kata-sandi-1") is None
