"""A small in-process token bucket per key (a client address), for public pages.

Each key may make `burst` calls at once and then one every `refill_seconds`. The state lives in
this process: behind several workers each keeps its own buckets, which multiplies the limit by the
number of workers but never lets one client through unthrottled. Idle keys are forgotten once
their bucket is full again, so a scan from many addresses cannot grow the table without bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
_SWEEP_EVERY = 1024  # calls between sweeps of full buckets


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBucket:
    """`allow(key)` says whether `key` may make one more call now (and counts it if so)."""

    def __init__(self, burst: int, refill_seconds: float, clock: Clock = time.monotonic) -> None:
        if burst < 1 or refill_seconds <= 0:
            raise ValueError("burst must be at least 1 and refill_seconds positive")
        self.burst = burst
        self.refill_seconds = refill_seconds
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._calls = 0

    def _level(self, bucket: _Bucket, now: float) -> float:
        return min(self.burst, bucket.tokens + (now - bucket.at) / self.refill_seconds)

    def allow(self, key: str) -> bool:
        now = self._clock()
        self._calls += 1
        if self._calls % _SWEEP_EVERY == 0:
            self._sweep(now)
        bucket = self._buckets.get(key)
        tokens = self.burst if bucket is None else self._level(bucket, now)
        if tokens < 1:
            self._buckets[key] = _Bucket(tokens, now)
            return False
        self._buckets[key] = _Bucket(tokens - 1, now)
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may call again (0 when it may now)."""
        bucket = self._buckets.get(key)
        if bucket is None:
            return 0.0
        missing = 1 - self._level(bucket, self._clock())
        return max(0.0, missing * self.refill_seconds)

    def _sweep(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if self._level(b, now) >= self.burst]
        for key in full:
            del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)
