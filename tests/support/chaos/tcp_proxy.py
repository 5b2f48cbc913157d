"""A TCP forwarder between Loket and PostgreSQL that can be cut, as a database restart would.

Restarting the machine's PostgreSQL would hit everybody's tests, so the chaos suite puts this
proxy in between instead: `cut()` drops every open connection and refuses new ones (the port is
closed), `restore()` listens again on the same port.
"""

from __future__ import annotations

import asyncio
import contextlib

from tests.support.chaos.background import BackgroundLoop

CHUNK = 64 * 1024


class TcpProxy:
    """Forward 127.0.0.1:`port` to `target`; `cut()` and `restore()` from the test's thread."""

    def __init__(self, loop: BackgroundLoop, target_host: str, target_port: int) -> None:
        self._loop = loop
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    def start(self) -> int:
        self._loop.run(self._listen())
        return self.port

    def cut(self) -> None:
        """Stop listening and reset every connection, as a database going down would."""

        async def cut() -> None:
            if self._server is not None:
                self._server.close()
                self._server = None
            for writer in list(self._writers):
                writer.transport.abort()
            self._writers.clear()

        self._loop.run(cut())

    def restore(self) -> None:
        self._loop.run(self._listen())

    def stop(self) -> None:
        self.cut()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(
            self._client, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            for w in (writer, up_writer):
                self._writers.discard(w)
                w.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    writer.transport.abort()
