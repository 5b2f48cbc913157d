"""What the form generator's parts share: the limits a form is built with, the problems that
stop it, a screen under construction, and what a part may ask of the generator."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from app.flows.forms.conditions import Applicability
from app.flows.forms.limits import MAX_FILE_SIZE_KB

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FormLimits:
    """Sizes the form is built with. The defaults suit the locker's; the publishing code
    derives the file sizes from the locker's policy (`app.whatsapp_flows.forms.form_limits`)."""

    photo_max_kb: int = 5 * 1024
    document_max_kb: int = MAX_FILE_SIZE_KB
    fields_per_screen: int = 8


@dataclass(frozen=True)
class FormProblem:
    """Why a service cannot become a Flow: the catalog node (`path`) and the reason."""

    path: Path
    reason: str


class FormError(ValueError):
    """The service cannot become a Flow within Meta's limits; `problems` says why."""

    def __init__(self, problems: list[FormProblem]) -> None:
        super().__init__("; ".join(problem.reason for problem in problems))
        self.problems = problems


@dataclass
class Screen:
    """A screen before its Footer is known: routing needs every screen's `applies` first."""

    id: str
    title: str
    children: list[dict[str, Any]] = field(default_factory=list)
    applies: Applicability = field(default_factory=Applicability)
    extra: dict[str, Any] = field(default_factory=dict)


class FormContext(Protocol):
    """What the parts of the generator (questions, documents, summary) ask of it."""

    language: str
    limits: FormLimits

    def texts(self, key: str, **params: Any) -> str:
        """A text of `form.*` in the messages files, in the form's language."""
        ...

    def locate(self, name: str, screen: str) -> str:
        """The binding of the input holding answer `name`, seen from `screen`."""
        ...

    def prefill(self, name: str, screen: str) -> str:
        """The binding of prefill data field `name`, seen from `screen`."""
        ...

    def problem(self, path: Path, reason: str) -> None:
        """Report a reason the service cannot become a Flow."""
        ...
