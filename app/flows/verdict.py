"""The outcome of checking one typed answer (see `validators.validate`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The error of a message that is clearly not an answer (a question, thanks, a greeting, "ga
# tau", a command...): `params["kind"]` says which (see `nonanswers.Kind`). The engine treats
# it apart from a wrong answer: it is never stored, and it gets a line that fits what it was.
NOT_AN_ANSWER = "not_an_answer"


@dataclass(frozen=True)
class Verdict:
    """Either the value to store or an error code (a key under `invalid.` in the message
    files) with the parameters its message needs.

    An accepted value may carry `params` too: `read` (an ISO date) when the value was read
    from words such as "kemarin", worth telling the resident how it was understood.
    """

    value: Any = None
    error: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the answer was accepted."""
        return self.error is None

    @property
    def not_an_answer(self) -> bool:
        """True when the message was not an answer at all (see `NOT_AN_ANSWER`)."""
        return self.error == NOT_AN_ANSWER

    @property
    def kind(self) -> str | None:
        """What a non-answer was ("question", "thanks", ...); None otherwise."""
        return str(self.params.get("kind")) if self.not_an_answer else None
