"""A bound on webhook body bytes held in memory at once, per process.

Bodies are read whole before their signature can be checked, so without a bound a burst of
large signed-looking deliveries (each up to LOKET_WEBHOOK_MAX_BYTES) holds all of them in memory
together. Each delivery reserves its bytes before reading them (the announced Content-Length
up front, or chunk by chunk for a chunked body); when the budget is spent the delivery is
answered 503 with Retry-After, and Meta delivers it again later. Real deliveries are a few KB,
so the bound only ever bites on a flood.
"""

from __future__ import annotations


class BodyBudget:
    """Bytes that deliveries may hold at once. The event loop runs one handler step at a time,
    so taking and giving back need no lock."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_use = 0

    def reserve(self) -> Reservation:
        """An empty reservation for one delivery; `release()` it when the delivery is done."""
        return Reservation(self)


class Reservation:
    """What one delivery holds of the budget."""

    def __init__(self, budget: BodyBudget) -> None:
        self._budget = budget
        self.held = 0

    def grow_to(self, size: int) -> bool:
        """Hold `size` bytes in all; False (holding what it had) when the budget cannot."""
        extra = size - self.held
        if extra <= 0:
            return True
        if self._budget.in_use + extra > self._budget.capacity:
            return False
        self._budget.in_use += extra
        self.held = size
        return True

    def release(self) -> None:
        self._budget.in_use -= self.held
        self.held = 0
