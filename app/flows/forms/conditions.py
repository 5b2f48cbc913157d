"""The catalog's `when:` conditions as Flow expressions.

A condition holds when every named answer is one of its values ({variant: [hilang]} or
{variant: [tambah], alasan_tambah: [kelahiran]}), the same rule as `prompts.applies` in the chat.
In a Flow it becomes an expression over the inputs that hold those answers (bare in an `If`
condition, backticked in a property), written from the point of view of the screen that
evaluates it: an input on that screen is
`${form.x}`, one on another screen `${screen.X.form.x}` (reference §1.6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.flows.catalog.schema import Condition

# Given an answer name ("variant" or a field key) and the screen evaluating the expression,
# the binding of the input that holds it.
Locate = Callable[[str, str], str]


@dataclass(frozen=True)
class Applicability:
    """When a form item applies: its catalog condition, and the prefill flag that says the
    locker already holds it (a reusable document), if any."""

    when: Condition | None = None
    held: str | None = None  # binding name of the boolean data field, e.g. "held_kk"

    @property
    def always(self) -> bool:
        return self.when is None and self.held is None


def clauses(when: Condition, locate: Locate, screen: str) -> list[str]:
    """One clause per named answer: `a == 'x'`, or `(a == 'x' || a == 'y')`."""
    parts = []
    for name, values in when.items():
        binding = locate(name, screen)
        options = [f"{binding} == '{value}'" for value in values]
        parts.append(options[0] if len(options) == 1 else "(" + " || ".join(options) + ")")
    return parts


def expression(parts: Sequence[str]) -> str:
    """`parts` joined with AND, as a backticked nested expression: the form a property such as
    `visible` takes (6.0+)."""
    return "`" + condition(parts) + "`"


def condition(parts: Sequence[str]) -> str:
    """`parts` joined with AND, bare: the form an `If` condition takes in Meta's examples."""
    return " && ".join(parts)


def negation(parts: Sequence[str]) -> str:
    """NOT (`parts` joined with AND), bare, for an `If` condition."""
    return f"!({condition(parts)})"


def applies_parts(
    applicability: Applicability, locate: Locate, held: Callable[[str, str], str], screen: str
) -> list[str]:
    """The clauses of "this item applies", evaluated on `screen`."""
    parts = clauses(applicability.when, locate, screen) if applicability.when else []
    if applicability.held is not None:
        parts.append(f"!{held(applicability.held, screen)}")
    return parts
