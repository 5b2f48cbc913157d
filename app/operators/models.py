"""Operators and their API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, BigIntPK, UTCDateTime, utcnow


class OperatorRole(enum.StrEnum):
    ADMIN = "admin"  # adds offices, operators and services; with no office, sees every office
    DISTRICT = "district"  # kecamatan staff: the district and the villages under it
    VILLAGE = "village"  # desa/kelurahan/nagari staff: that village only


class Operator(Base):
    """A person who works the queue in the dashboard or through the API.

    `office_id` is the root of what the operator sees; only an admin may have none (everything).
    The password is kept as an Argon2id hash (see `app.operators.auth`).
    """

    __tablename__ = "operator"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    office_id: Mapped[int | None] = mapped_column(
        ForeignKey("office.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def actor(self) -> str:
        """How the operator is named in request history and the document audit log."""
        return f"operator:{self.username}"


class ApiToken(Base):
    """A bearer token for the JSON API. Only its SHA-256 is stored; `prefix` helps tell tokens
    apart in listings without revealing them."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operator.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OperatorSession(Base):
    """A dashboard sign-in, checked on every request so it can be ended from the server.

    The cookie carries a random token; only its SHA-256 is stored, like API tokens. Signing out,
    disabling the operator or changing their password sets `ended_at`, and a copied cookie stops
    working at once.
    """

    __tablename__ = "operator_session"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operator.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # signed_out, disabled, password_changed
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(64))


class LoginThrottle(Base):
    """Failed sign-ins of one username from one address, in the database so every `serve`
    process counts together. Keyed by both, so failures from one address never lock the
    username out for the others."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "address"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
