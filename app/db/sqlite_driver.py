"""aiosqlite with one thread hop per statement, for SQLAlchemy's `sqlite+aiosqlite` dialect.

aiosqlite runs each call on the connection's own thread and hands the result back to the event
loop. SQLAlchemy's adapter makes four such calls for one SELECT (open a cursor, execute, fetch,
close) and three for a write. Each hand-off wakes the loop through a pipe and queues a future,
and a conversation step is about fourteen statements: the hand-offs, not SQLite, were most of
its time (`bench/RESULTS.md`). The cursor here does the whole statement — execute, read the
rows, close — in one call on the connection's thread, so a statement costs one hand-off.

A result larger than `PREFETCH_ROWS` keeps its cursor open on the thread and is read in chunks
of that size, so a streamed export does not load every row at once.

A write transaction (`BEGIN IMMEDIATE`) first waits for its turn at the process's write gate
(app/db/write_gate.py) and hands the turn on when it commits or rolls back.

The statements that only open or set up a transaction (`DEFERRED`: `BEGIN`, `BEGIN IMMEDIATE`,
the read-only pragma) cost no hop of their own: they run on the thread just before the next
call, in the same hand-off. A commit or rollback with no transaction open (the pool's reset of a
connection whose transaction has committed) costs none at all. So a transaction of n statements
is n + 1 hand-offs, its commit included; an error in a deferred statement is raised by the call
it rode with.

`connect_args(url)` and `connector(...)` plug it into `create_async_engine(async_creator=...)`;
the dialect, its types and its pool are SQLAlchemy's own.
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.engine import make_url

from app.db.write_gate import WriteGate

# Rows read together with the statement; a larger result is read on in chunks of this size.
PREFETCH_ROWS = 1000
# How app.db opens a transaction that may write; it takes the process's write gate first.
BEGIN_WRITE = "BEGIN IMMEDIATE"
# Statements without a result that only open or set up a transaction: sent with the next call.
DEFERRED = frozenset({"BEGIN", BEGIN_WRITE, "PRAGMA query_only=ON", "PRAGMA query_only=OFF"})


class OneHopCursor:
    """The part of aiosqlite's cursor SQLAlchemy uses, one thread hop per statement."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._connection = connection
        self._open: sqlite3.Cursor | None = None  # only while a large result is unread
        self._rows: deque[Any] = deque()
        self.arraysize = 1
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    async def __aenter__(self) -> OneHopCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> OneHopCursor:
        await self.close()
        self.description, self.rowcount = None, -1
        if sql == BEGIN_WRITE:
            await self._connection.begin_write()
            return self
        if sql in DEFERRED and not parameters:
            self._connection.defer(sql)
            return self
        await self._connection.on_thread(self._run, sql, parameters, many=False)
        return self

    async def executemany(self, sql: str, parameters: Sequence[Sequence[Any]]) -> OneHopCursor:
        await self.close()
        await self._connection.on_thread(self._run, sql, parameters, many=True)
        return self

    def _run(self, sql: str, parameters: Any, *, many: bool) -> None:
        """On the connection's thread: the statement and its first rows."""
        cursor = self._connection._conn.cursor()
        try:
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)
        except BaseException:
            cursor.close()
            raise
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        if cursor.description is None:
            cursor.close()
        else:
            self._take(cursor, PREFETCH_ROWS)

    def _take(self, cursor: sqlite3.Cursor, size: int | None) -> None:
        """On the connection's thread: read `size` rows (all when None); close when done."""
        rows = cursor.fetchall() if size is None else cursor.fetchmany(size)
        self._rows.extend(rows)
        if size is not None and len(rows) == size:
            self._open = cursor  # more may follow: read on when asked
        else:
            self._open = None
            cursor.close()

    async def _read_on(self, size: int | None) -> None:
        if self._open is not None:
            await self._connection.on_thread(self._take, self._open, size)

    async def fetchone(self) -> Any:
        if not self._rows:
            await self._read_on(PREFETCH_ROWS)
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        wanted = self.arraysize if size is None else size
        while len(self._rows) < wanted and self._open is not None:
            await self._read_on(max(wanted, PREFETCH_ROWS))
        return [self._rows.popleft() for _ in range(min(wanted, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        await self._read_on(None)
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()
        cursor, self._open = self._open, None
        if cursor is not None:
            await self._connection.on_thread(cursor.close)


class _CursorContext:
    """What `connection.cursor()` returns: awaited or entered, a cursor, with no hop."""

    def __init__(self, connection: OneHopConnection) -> None:
        self._cursor = OneHopCursor(connection)

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> OneHopCursor:
        return self._cursor

    async def __aexit__(self, *_exc: object) -> None:
        await self._cursor.close()


class OneHopConnection(aiosqlite.Connection):
    """aiosqlite's connection whose cursors cost one hop per statement, and whose write
    transactions take turns through the process's `WriteGate` for the database."""

    def __init__(self, connector: Callable[[], sqlite3.Connection], gates: _Gates) -> None:
        super().__init__(connector, 64)
        self._gates = gates
        self._gate: WriteGate | None = None  # while this connection has a write transaction
        self._deferred: deque[str] = deque()  # run on the thread before the next call
        self._in_transaction = False  # as SQLite said after the last call

    def cursor(self) -> Any:  # aiosqlite's is an awaitable context manager too
        return _CursorContext(self)

    async def begin_write(self) -> None:
        """Wait for this connection's turn at the write gate; `BEGIN IMMEDIATE` then rides with
        the next call."""
        gate = self._gates.of_running_loop()
        await gate.acquire(self)
        self._gate = gate
        self.defer(BEGIN_WRITE)

    def defer(self, sql: str) -> None:
        """Run `sql` (one of `DEFERRED`) on the thread before the next call, in its hop."""
        self._deferred.append(sql)

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # Every hop aiosqlite makes (statements, commit, rollback, close) passes here.
        return await super()._execute(self._after_deferred, fn, args, kwargs)  # type: ignore[no-untyped-call]

    def _after_deferred(self, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        """On the connection's thread: what was deferred, then `fn`."""
        try:
            while self._deferred:
                self._conn.execute(self._deferred.popleft()).close()
            return fn(*args, **kwargs)
        finally:
            try:
                self._in_transaction = self._conn.in_transaction
            except sqlite3.ProgrammingError:  # `fn` closed the connection
                self._in_transaction = False

    def _end_write(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release(self)

    def _has_work(self) -> bool:
        return self._in_transaction or bool(self._deferred)

    async def commit(self) -> None:
        try:
            if self._has_work():
                await super().commit()
        finally:
            self._end_write()

    async def rollback(self) -> None:
        try:
            if self._has_work():
                await super().rollback()
        finally:
            self._end_write()

    async def close(self) -> None:
        self._deferred.clear()  # SQLite rolls back whatever is open
        try:
            await super().close()
        finally:
            self._end_write()

    def stop(self) -> asyncio.Future[Any] | None:  # SQLAlchemy's terminate path
        self._end_write()
        return super().stop()

    async def on_thread(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn` on this connection's thread (aiosqlite's own queue) and return its result."""
        return await self._execute(fn, *args, **kwargs)


def connect_args(url: str) -> tuple[list[Any], dict[str, Any]]:
    """The arguments SQLAlchemy's dialect would pass to `sqlite3.connect` for `url`."""
    parsed = make_url(url)
    args, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    return list(args), dict(kwargs)


class _Gates:
    """One `WriteGate` per event loop for one engine's connections (tests may run several)."""

    def __init__(self) -> None:
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, WriteGate] = (
            weakref.WeakKeyDictionary()
        )

    def of_running_loop(self) -> WriteGate:
        return self._by_loop.setdefault(asyncio.get_running_loop(), WriteGate())


def connector(url: str) -> Callable[[], OneHopConnection]:
    """`async_creator` for `create_async_engine`: a new one-hop connection to `url`; the
    connections of one engine share its write gates."""
    args, kwargs = connect_args(url)
    database = args[0]
    gates = _Gates()

    def create() -> OneHopConnection:
        connection = OneHopConnection(lambda: sqlite3.connect(database, **kwargs), gates)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connect
        return connection

    return create
