"""The request status machine (contract §6): the allowed moves, in one table."""

from __future__ import annotations

import enum


class RequestStatus(enum.StrEnum):
    COLLECTING = "collecting"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_CORRECTION = "needs_correction"
    PROCESSING = "processing"
    READY_FOR_PICKUP = "ready_for_pickup"
    OUT_FOR_DELIVERY = "out_for_delivery"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


S = RequestStatus
FINAL = frozenset({S.COMPLETED, S.REJECTED, S.CANCELLED})
OPEN = frozenset(set(S) - FINAL)

# Forward moves; rejection and cancellation are added below for every status they apply to.
_FORWARD: dict[RequestStatus, frozenset[RequestStatus]] = {
    S.COLLECTING: frozenset({S.SUBMITTED}),
    S.SUBMITTED: frozenset({S.IN_REVIEW}),
    S.IN_REVIEW: frozenset({S.NEEDS_CORRECTION, S.PROCESSING}),
    # The resident's corrected file goes back to review.
    S.NEEDS_CORRECTION: frozenset({S.IN_REVIEW}),
    S.PROCESSING: frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY}),
    S.READY_FOR_PICKUP: frozenset({S.COMPLETED}),
    S.OUT_FOR_DELIVERY: frozenset({S.COMPLETED}),
}
# A resident may cancel only before the office starts producing the document.
_CANCELLABLE = frozenset({S.COLLECTING, S.SUBMITTED, S.IN_REVIEW, S.NEEDS_CORRECTION})


def allowed_moves(current: RequestStatus, *, digital: bool = False) -> frozenset[RequestStatus]:
    """Every status `current` may move to; a `digital` request (its PDF goes to the chat)
    completes straight from processing, with no pickup or delivery in between."""
    moves = set(_FORWARD.get(current, frozenset()))
    if digital and current is S.PROCESSING:
        moves.add(S.COMPLETED)
    if current not in FINAL:
        moves.add(S.REJECTED)
    if current in _CANCELLABLE:
        moves.add(S.CANCELLED)
    return frozenset(moves)


def transition_error(
    current: RequestStatus, target: RequestStatus, *, digital: bool = False
) -> str | None:
    """None when the move is allowed, else why not (shown to operators and API clients)."""
    if target in allowed_moves(current, digital=digital):
        return None
    if current in FINAL:
        return f"the request is already {current.value}; it cannot move to {target.value}"
    if target is S.CANCELLED:
        return f"a request in {current.value} can no longer be cancelled"
    allowed = ", ".join(sorted(m.value for m in allowed_moves(current, digital=digital)))
    return f"a request in {current.value} cannot move to {target.value} (allowed: {allowed})"
