"""Which items of a service a resident reaches, in the chat's order, given the answers so far.

The chat asks one item at a time (progress.py); the counter's form (app/counter/forms.py) walks
the same order at once. Both judge an item's `when` condition here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from app.flows.catalog import DocumentSpec, FieldSpec, Service

SUMMARY = "summary"
"""The `next` of an item after which the chat shows the summary: nothing after it is asked."""


def condition_holds(
    item: FieldSpec | DocumentSpec, variant: str | None, answers: Mapping[str, Any]
) -> bool:
    """True when the item's `when` condition holds for the variant and the answers so far."""
    if item.when is None:
        return True
    for name, values in item.when.items():
        value = variant if name == "variant" else answers.get(name)
        if value not in values:
            return False
    return True


def items_reached(
    service: Service, variant: str | None, answers: Mapping[str, Any]
) -> Iterator[FieldSpec | DocumentSpec]:
    """The items the chat would reach, in its order, each judged with `answers` as they are at
    the moment it is reached (the caller may fill them in as it goes).

    A definition whose `next` loops back is cut at the first revisit (the chat's step budget
    ends such a loop with a failure; a form simply stops there).
    """
    items = service.items
    positions = {item.key: index for index, item in enumerate(items)}
    index, seen = 0, set[int]()
    while index < len(items) and index not in seen:
        seen.add(index)
        item = items[index]
        if condition_holds(item, variant, answers):
            yield item
        if item.next is None:
            index += 1
        elif item.next == SUMMARY:
            return
        else:
            index = positions.get(item.next, len(items))
