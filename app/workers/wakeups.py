"""Wake-ups through PostgreSQL LISTEN/NOTIFY, so a worker in another process starts at once.

A trigger (migration 0014w) sends `NOTIFY loket_inbox` when inbox rows are committed and
`NOTIFY loket_outbox` when outbox rows are committed or become pending again. `Wakeups` holds one
connection that LISTENs on both channels and calls the matching worker's `notify()`.

A notification can be lost (the listening connection dropped, the server restarted): the
workers keep polling every LOKET_WORKER_POLL_SECONDS as before, and after every (re)connection
each worker is woken once to catch up. So LISTEN makes a worker prompt; the poll keeps it correct.
On SQLite there is nothing to listen to: the webhook wakes the workers of its own process
(`IngestBatcher.add_listener`) and the poll serves `loket worker` processes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger(__name__)

INBOX_CHANNEL = "loket_inbox"
OUTBOX_CHANNEL = "loket_outbox"
RECONNECT_SECONDS = 2.0


class Wakeups:
    """LISTEN on `callbacks`' channels through one connection of `engine` until stopped."""

    def __init__(
        self,
        engine: AsyncEngine,
        callbacks: Mapping[str, Callable[[], None]],
        *,
        reconnect_seconds: float = RECONNECT_SECONDS,
    ) -> None:
        self._engine = engine
        self._callbacks = dict(callbacks)
        self._reconnect_seconds = reconnect_seconds
        # Notifications received per channel: the tests and `loket worker`'s log read it.
        self.received: Counter[str] = Counter()
        self.listening = asyncio.Event()

    @staticmethod
    def supported(engine: AsyncEngine) -> bool:
        return engine.dialect.name == "postgresql"

    async def run(self, stop: asyncio.Event) -> None:
        """Listen, reconnecting after a lost connection, until `stop` is set."""
        while not stop.is_set():
            try:
                await self._listen_once(stop)
            except Exception:  # the database is away: the poll carries on meanwhile
                log.warning("LISTEN connection lost; the poll carries on", exc_info=True)
            self.listening.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._reconnect_seconds)

    async def _listen_once(self, stop: asyncio.Event) -> None:
        async with self._engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            lost = asyncio.Event()
            for channel in self._callbacks:
                await driver.add_listener(channel, self._on_notification)
            driver.add_termination_listener(lambda _conn: lost.set())
            try:
                self.listening.set()
                log.info("listening for wake-ups", channels=sorted(self._callbacks))
                # Anything committed while we were not listening: look once now.
                for wake in self._callbacks.values():
                    wake()
                done = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(lost.wait())}
                try:
                    await asyncio.wait(done, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for waiter in done:
                        waiter.cancel()
            finally:
                if not driver.is_closed():
                    for channel in self._callbacks:
                        with contextlib.suppress(Exception):
                            await driver.remove_listener(channel, self._on_notification)
            if lost.is_set() and not stop.is_set():
                raise ConnectionError("the LISTEN connection was closed")

    def _on_notification(self, _conn: Any, _pid: int, channel: str, _payload: str) -> None:
        self.received[channel] += 1
        wake = self._callbacks.get(channel)
        if wake is not None:
            wake()
