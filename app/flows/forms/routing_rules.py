"""The rules on an endpoint Flow's `routing_model` and `data_api_version` (reference §1.2, §1.8).

A Flow that calls the data endpoint (`data_exchange`) needs both; a Flow with either must keep
them consistent with its screens: every screen a key, only known screens as targets, no
self-loops, only forward edges (no B→A beside A→B), no cycles, one entry screen (the first, the
only one without an inbound edge), every screen reachable from it, every route ending at a
terminal screen, at most 10 branches per screen, and every `navigate` in the screens listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.flows.forms.bindings import ScreenIndex, walk_components

Add = Callable[[str, str, str], None]  # (path, rule, message)
DATA_API_VERSIONS = frozenset({"3.0", "4.0"})
MAX_BRANCHES = 10


def check_routing(
    flow: dict[str, Any],
    screens: list[Any],
    index: dict[str, ScreenIndex],
    navigate: dict[str, set[str]],
    add: Add,
) -> None:
    """Add an issue for each broken rule of `routing_model` / `data_api_version`."""
    model = flow.get("routing_model")
    version = flow.get("data_api_version")
    exchanges = _uses_data_exchange(screens)
    if model is None and version is None:
        if exchanges:
            add(
                "$",
                "routing-model",
                "a Flow using data_exchange needs routing_model and data_api_version",
            )
        return
    if version not in DATA_API_VERSIONS:
        known = ", ".join(sorted(DATA_API_VERSIONS))
        add("data_api_version", "data-api-version", f"data_api_version must be one of {known}")
    if not isinstance(model, dict):
        add("routing_model", "routing-model", "routing_model must map each screen to a list")
        return
    order = [str(s["id"]) for s in screens if isinstance(s, dict) and isinstance(s.get("id"), str)]
    graph = _graph(model, order, add)
    for screen_id in order:
        if screen_id not in model:
            add("routing_model", "routing-model", f"screen '{screen_id}' is missing")
    for here, targets in navigate.items():
        for target in sorted(targets - graph.get(here, set())):
            add(f"routing_model.{here}", "routing-model", f"the navigate to '{target}' is missing")
    _shape(graph, order, index, add)


def _uses_data_exchange(screens: list[Any]) -> bool:
    for screen in screens:
        layout = screen.get("layout") if isinstance(screen, dict) else None
        children = layout.get("children") if isinstance(layout, dict) else None
        for component, _ in walk_components(children):
            for prop in ("on-click-action", "on-select-action"):
                action = component.get(prop)
                if isinstance(action, dict) and action.get("name") == "data_exchange":
                    return True
    return False


def _graph(model: dict[str, Any], order: list[str], add: Add) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for here, targets in model.items():
        path = f"routing_model.{here}"
        if here not in order:
            add(path, "routing-model", f"'{here}' is not a screen")
            continue
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            add(path, "routing-model", "the targets must be a list of screen ids")
            continue
        if len(targets) > MAX_BRANCHES:
            add(path, "routing-model", f"{len(targets)} branches; at most {MAX_BRANCHES}")
        for target in targets:
            if target not in order:
                add(path, "routing-model", f"'{target}' is not a screen")
            elif target == here:
                add(path, "routing-model", "a screen may not route to itself")
        graph[here] = {t for t in targets if t in order and t != here}
    for here, targets in graph.items():
        for target in sorted(targets):
            if here in graph.get(target, set()) and order.index(here) < order.index(target):
                add(f"routing_model.{target}", "routing-model", f"back edge to '{here}'")
    return graph


def _shape(
    graph: dict[str, set[str]], order: list[str], index: dict[str, ScreenIndex], add: Add
) -> None:
    if not order:
        return
    inbound = {target for targets in graph.values() for target in targets}
    entries = [screen for screen in order if screen not in inbound]
    if entries != [order[0]]:
        add("routing_model", "routing-model", f"one entry screen, the first; found {entries}")
    seen, todo = {order[0]}, [order[0]]
    while todo:
        for target in graph.get(todo.pop(), set()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    for screen in order:
        if screen not in seen:
            add(f"routing_model.{screen}", "routing-model", "not reachable from the entry")
        ends = index[screen].terminal if screen in index else False
        if not ends and not graph.get(screen):
            add(f"routing_model.{screen}", "routing-model", "a route ends at a non-terminal screen")
    if _has_cycle(graph):
        add("routing_model", "routing-model", "the routes loop")


def _has_cycle(graph: dict[str, set[str]]) -> bool:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str) -> bool:
        state[node] = 1
        for target in graph.get(node, set()):
            if state.get(target) == 1 or (target not in state and visit(target)):
                return True
        state[node] = 2
        return False

    return any(node not in state and visit(node) for node in list(graph))
