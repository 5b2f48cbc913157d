"""Where each screen's Footer goes, so residents see as few screens that do not apply as can be.

An endpoint-less Flow routes statically, and a Footer may branch only once (one `If` with a
Footer in each branch). So screen i can send the resident to screen i+1 when any screen of a
group i+1 … j-1 applies, and straight to screen j when none does. Which j is best depends on
how the conditions overlap; it is chosen by trying every case the catalog allows (each variant,
each value a condition names, each reusable document held or not) and counting the screens a
resident would land on without needing them. Skipping never jumps over a screen that applies.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from app.flows.catalog.schema import Service
from app.flows.forms import keys
from app.flows.forms.conditions import Applicability

MAX_CASES = 4096  # beyond this many combinations, skip only one screen at a time
_OTHER = "\x00other"  # a value no condition names


@dataclass(frozen=True)
class Case:
    """One combination of answers (variant and conditioned fields) and held documents."""

    answers: dict[str, str]
    held: frozenset[str]


def holds(applicability: Applicability, case: Case) -> bool:
    """True when a screen with `applicability` is needed in `case` (the chat's rule)."""
    if applicability.held is not None and applicability.held in case.held:
        return False
    when = applicability.when or {}
    return all(case.answers.get(name, _OTHER) in values for name, values in when.items())


def cases(service: Service) -> list[Case] | None:
    """The combinations that matter to the service's conditions; None when too many.

    Held documents come as two cases, none or all: a resident either is new or comes back
    with the papers of an earlier request (weighing every mix would favour rare ones).
    """
    names: dict[str, list[str]] = {}
    for document in service.documents:
        for name, values in (document.when or {}).items():
            names[name] = sorted({*names.get(name, ()), *values})
    # A field may hold a value no condition names (or none); the variant is always one of them.
    axes = [[*values, _OTHER] for name, values in names.items() if name != keys.VARIANT_KEY]
    names = {name: values for name, values in names.items() if name != keys.VARIANT_KEY}
    if service.variants:
        names[keys.VARIANT_KEY] = [variant.code for variant in service.variants]
        axes.append(names[keys.VARIANT_KEY])
    reusable = frozenset(keys.held_key(d.key) for d in service.documents if d.reusable)
    total = 2
    for axis in axes:
        total *= len(axis)
    if total > MAX_CASES:
        return None
    return [
        Case(dict(zip(names, values, strict=True)), held)
        for values in itertools.product(*axes)
        for held in (frozenset(), reusable)
    ]


def skip_targets(screens: Sequence[Applicability], found: list[Case] | None) -> list[int]:
    """For each screen i (the last one excepted), the screen its Footer goes to when none of
    the screens i+1 … target-1 applies; target == i+1 means a plain Footer to the next one."""
    count = len(screens)
    if found is None:  # too many cases to weigh: skip one conditional screen at a time
        return [
            index + 2 if index + 2 < count and not screens[index + 1].always else index + 1
            for index in range(count)
        ]
    needed = [[holds(screen, case) for case in found] for screen in screens]
    # A choice at screen i matters only for the cases that reach it, which depends on the
    # choices before it: start with every case everywhere, then re-weigh by the paths taken.
    reach = [[True] * len(found) for _ in range(count)]
    targets: list[int] = []
    for _ in range(4):
        chosen = _choose(screens, needed, reach)
        if chosen == targets:
            break
        targets = chosen
        reach = _paths(targets, count, len(found), needed)
    return targets


def _choose(
    screens: Sequence[Applicability], needed: list[list[bool]], reach: list[list[bool]]
) -> list[int]:
    count, cases_ = len(screens), range(len(needed[0]) if needed else 0)
    targets = [index + 1 for index in range(count)]
    # cost[i][c]: screens shown without being needed, from screen i on, in case c.
    cost = [[0] * len(cases_) for _ in range(count)]
    for index in range(count - 2, -1, -1):
        weigh = [c for c in cases_ if reach[index][c]] or list(cases_)
        options = [
            (sum(cost[_next(needed, index, target, c)][c] for c in weigh), target)
            for target in _candidates(screens, index)
        ]
        targets[index] = min(options)[1]
        for c in cases_:
            landing = 0 if needed[index][c] else 1
            cost[index][c] = landing + cost[_next(needed, index, targets[index], c)][c]
    return targets


def _paths(
    targets: list[int], count: int, cases_: int, needed: list[list[bool]]
) -> list[list[bool]]:
    reach = [[False] * cases_ for _ in range(count)]
    for case in range(cases_):
        index = 0
        while True:
            reach[index][case] = True
            if index >= count - 1:
                break
            index = _next(needed, index, targets[index], case)
    return reach


def _candidates(screens: Sequence[Applicability], index: int) -> list[int]:
    """Targets worth trying: past a run of conditional screens, never past one always shown."""
    found = []
    target = index + 2
    while target <= len(screens) - 1 and not screens[target - 1].always:
        found.append(target)
        target += 1
    return found or [index + 1]


def _next(needed: list[list[bool]], index: int, target: int, case: int) -> int:
    group = range(index + 1, target)
    return index + 1 if any(needed[member][case] for member in group) else target
