"""Database plumbing shared by every domain: the declarative base, column types and engines.

The same models run on SQLite (the embedded default) and PostgreSQL (production). Two things make
SQLite behave: WAL with `synchronous=FULL`, so an acknowledged webhook survives a power cut, and
`BEGIN IMMEDIATE` for every transaction that may write, so two writers queue on the database lock
instead of failing with "database is locked" half-way through a unit of work. Sessions made for
reading only (`create_read_sessionmaker`) begin a deferred transaction instead: readers take no
lock, so a report or an export never holds up the webhook.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Integer, MetaData, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from app.db import sqlite_driver

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Execution option marking the connections of read-only sessions (create_read_sessionmaker).
READ_ONLY_OPTION = "loket_read_only"

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the database keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table; the naming convention keeps migrations deterministic."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    return datetime.now(UTC)


def _prepare_sqlite_path(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below (SQLAlchemy's documented recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            # A reader takes no lock at all: in WAL it reads a snapshot while writers commit.
            # query_only turns a write slipped into it into an error rather than a lock upgrade
            # that fails at random under load ("database is locked" on a stale snapshot).
            conn.exec_driver_sql("PRAGMA query_only=ON")
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql(sqlite_driver.BEGIN_WRITE)  # waits for the write gate

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            # The pool hands this connection to writers next.
            conn.exec_driver_sql("PRAGMA query_only=OFF")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine for `url`, tuned for the dialect."""
    if url.startswith("sqlite"):
        _prepare_sqlite_path(url)
        kwargs.setdefault("async_creator", sqlite_driver.connector(url))
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reading only (pages, listings, exports), sharing `engine`'s pool.

    SQLite: a deferred transaction that takes no write lock, so a long read never makes the
    webhook wait, with `query_only` set for its length. PostgreSQL: a `READ ONLY` transaction.
    Either way a write in such a session fails; do writes in a unit of work of their own.
    """
    options: dict[str, Any] = {READ_ONLY_OPTION: True}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    return async_sessionmaker(engine.execution_options(**options), expire_on_commit=False)


def is_read_only(session: AsyncSession) -> bool:
    """Whether `session` came from `create_read_sessionmaker`."""
    bind = session.bind
    return isinstance(bind, AsyncEngine) and bool(
        bind.get_execution_options().get(READ_ONLY_OPTION)
    )


@asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction: commit when the block succeeds, roll back when it raises."""
    async with sessionmaker() as session, session.begin():
        yield session


async def commit_keeping_loaded(session: AsyncSession) -> None:
    """Commit without expiring the session's objects, whatever the session's setting.

    Expired objects would be reloaded on the next attribute access, which opens a transaction
    again (on SQLite, with its write lock) and would hold it across slow work that follows (a
    download, the checks on a file). What was just committed is exactly what the objects hold,
    so there is nothing to reload.
    """
    sync_session = session.sync_session
    expire = sync_session.expire_on_commit
    sync_session.expire_on_commit = False
    try:
        await session.commit()
    finally:
        sync_session.expire_on_commit = expire


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"
