"""Reading the `${...}` bindings of Flow JSON and knowing what each screen declares.

Bindings (reference §1.6): `${data.x}` and `${form.x}` on the screen itself, and
`${screen.S.data.x}` / `${screen.S.form.x}` on any screen S. Outside a backticked expression a
value is a literal or exactly one binding; mixing text and a binding is invalid.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.flows.forms.limits import INPUTS, PICKERS

BINDING = re.compile(r"\$\{([^}]*)\}")
WHOLE_BINDING = re.compile(r"^\$\{[^}]*\}$")


@dataclass(frozen=True)
class Ref:
    """One binding: which screen (None = the one it is written on), `form` or `data`, and name."""

    screen: str | None
    scope: str
    name: str


@dataclass
class ScreenIndex:
    """What one screen declares: its inputs by name (with their component) and data fields."""

    inputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    data: set[str] = field(default_factory=set)
    terminal: bool = False


def parse_refs(text: str) -> Iterator[Ref | str]:
    """The bindings in `text`: a `Ref`, or the raw text of a binding that is not one."""
    for match in BINDING.finditer(text):
        parts = match.group(1).strip().split(".")
        if len(parts) >= 2 and parts[0] in ("form", "data") and parts[1]:
            yield Ref(None, parts[0], parts[1])
        elif len(parts) >= 4 and parts[0] == "screen" and parts[2] in ("form", "data"):
            yield Ref(parts[1], parts[2], parts[3])
        else:
            yield match.group(0)


def is_expression(text: str) -> bool:
    """A backticked nested expression (6.0+)."""
    return len(text) >= 2 and text.startswith("`") and text.endswith("`")


def is_dynamic(value: Any) -> bool:
    """A value bound at run time (a binding or an expression), not a literal."""
    return isinstance(value, str) and (is_expression(value) or "${" in value)


def walk_components(children: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], int]]:
    """Every component under `children`, with its nesting depth in If/Switch branches."""
    for component, component_depth, _ in walk_with_paths(children, "", depth):
        yield component, component_depth


def walk_with_paths(
    children: Any, path: str, depth: int = 0
) -> Iterator[tuple[dict[str, Any], int, str]]:
    """Every component under `children` with its depth and JSON path, into If/Switch branches."""
    if not isinstance(children, list):
        return
    for position, component in enumerate(children):
        if not isinstance(component, dict):
            continue
        where = f"{path}[{position}]"
        yield component, depth, where
        for branch in ("then", "else"):
            yield from walk_with_paths(component.get(branch), f"{where}.{branch}", depth + 1)
        cases = component.get("cases")
        if isinstance(cases, dict):
            for case, items in cases.items():
                yield from walk_with_paths(items, f"{where}.cases.{case}", depth + 1)


def index_screen(screen: dict[str, Any]) -> ScreenIndex:
    """The inputs and data fields `screen` declares."""
    index = ScreenIndex(terminal=screen.get("terminal") is True)
    layout = screen.get("layout")
    children = layout.get("children") if isinstance(layout, dict) else None
    for component, _ in walk_components(children):
        if component.get("type") in INPUTS and isinstance(component.get("name"), str):
            index.inputs[component["name"]] = component
    data = screen.get("data")
    if isinstance(data, dict):
        index.data = set(data)
    return index


def resolve(ref: Ref, here: str, screens: dict[str, ScreenIndex]) -> str | None:
    """Why `ref`, written on screen `here`, does not resolve; None when it does."""
    target = ref.screen or here
    if target not in screens:
        return f"refers to screen '{target}', which does not exist"
    index = screens[target]
    declared = index.inputs if ref.scope == "form" else index.data
    if ref.name not in declared:
        what = "input" if ref.scope == "form" else "data field"
        return f"refers to {what} '{ref.name}', which screen '{target}' does not declare"
    return None


def picker_of(value: Any, here: str, screens: dict[str, ScreenIndex]) -> dict[str, Any] | None:
    """The picker a value binds to as a whole (`${form.p}` or `${screen.S.form.p}`), if any."""
    if not isinstance(value, str) or not WHOLE_BINDING.match(value):
        return None
    ref = next(parse_refs(value), None)
    if not isinstance(ref, Ref) or ref.scope != "form":
        return None
    index = screens.get(ref.screen or here)
    component = index.inputs.get(ref.name) if index is not None else None
    return component if component is not None and component.get("type") in PICKERS else None


def pickers_within(value: Any, here: str, screens: dict[str, ScreenIndex]) -> int:
    """How many picker bindings appear anywhere inside `value` (strings, lists, objects)."""
    if isinstance(value, dict):
        return sum(pickers_within(item, here, screens) for item in value.values())
    if isinstance(value, list):
        return sum(pickers_within(item, here, screens) for item in value)
    if not isinstance(value, str):
        return 0
    count = 0
    for ref in parse_refs(value):
        if isinstance(ref, Ref) and ref.scope == "form":
            index = screens.get(ref.screen or here)
            component = index.inputs.get(ref.name) if index is not None else None
            count += component is not None and component.get("type") in PICKERS
    return count
