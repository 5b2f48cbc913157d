"""Pacing of sends to Meta: at most `per_second` calls in any second, spread evenly.

Meta limits how many messages one business number may send per second (80 by default, up to
1,000 at the top tier); above it Meta answers 130429 and the outbox backs off for everybody.
Pacing below the limit avoids the back-off. Each send takes the next free slot, `1/per_second`
after the previous one; when the sender was idle the slots start again from now, so there is no
burst above the rate either. Slots are taken without awaiting in between, so concurrent sends of
one process never share a slot. The limit is per process: with several worker processes on one
number, give each its share (LOKET_SEND_RATE_PER_SECOND).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class SendRate:
    """`await acquire()` before each send; returns when the send's slot has come."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("the send rate must be positive")
        self.per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._origin = 0.0
        self._issued = 0  # slots handed out since `_origin`

    def _next_slot(self) -> float:
        return self._origin + self._issued / self.per_second

    async def acquire(self) -> float:
        """Wait for this send's slot; returns the slot's time on the clock."""
        now = self._clock()
        if self._issued == 0 or self._next_slot() < now:
            # Idle: count from now (computing from an origin keeps the spacing exact).
            self._origin, self._issued = now, 0
        slot = self._next_slot()
        self._issued += 1
        if slot > now:
            await self._sleep(slot - now)
        return slot
