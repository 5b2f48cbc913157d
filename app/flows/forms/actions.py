"""The rules on a Flow's actions (reference §1.7, §2.8): where `navigate` and `complete` may be
used, what their payloads may hold, and that every screen can be reached."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.flows.forms import limits as meta
from app.flows.forms.bindings import ScreenIndex, picker_of, pickers_within, walk_with_paths

Add = Callable[[str, str, str], None]  # (path, rule, message)
ACTION_PROPS = ("on-click-action", "on-select-action", "on-unselect-action")


def check_actions(
    screens: list[Any],
    index: dict[str, ScreenIndex],
    add: Add,
    routing: dict[str, Any] | None = None,
) -> dict[str, set[str]]:
    """Check every action of every screen, then that each screen is reachable from the first.

    A screen that calls the endpoint (`data_exchange`) reaches what `routing` (the Flow's
    `routing_model`) says it may. Returns the `navigate` edges (screen -> targets).
    """
    edges: dict[str, set[str]] = {}
    exchanging: set[str] = set()
    for position, screen in enumerate(screens):
        if not isinstance(screen, dict) or not isinstance(screen.get("id"), str):
            continue
        here: str = screen["id"]
        terminal = screen.get("terminal") is True
        layout = screen.get("layout")
        children = layout.get("children") if isinstance(layout, dict) else None
        base = f"screens[{position}].layout.children"
        for component, _, where in walk_with_paths(children, base):
            for prop in ACTION_PROPS:
                action = component.get(prop)
                if not isinstance(action, dict):
                    continue
                path = f"{where}.{prop}"
                name = action.get("name")
                if name == "navigate":
                    target = _navigate(action, path, here, component, terminal, index, add)
                    if target is not None:
                        edges.setdefault(here, set()).add(target)
                elif name == "complete":
                    _complete(action, path, here, terminal, index, add)
                elif name == "data_exchange":
                    exchanging.add(here)
                    _payload_pickers_top_level(action, path, here, index, add)
    reached = {here: set(targets) for here, targets in edges.items()}
    for here in exchanging:
        found = (routing or {}).get(here)
        targets = {t for t in found if isinstance(t, str)} if isinstance(found, list) else set()
        reached.setdefault(here, set()).update(targets)
    _reachable(screens, reached, add)
    return edges


def _navigate(
    action: dict[str, Any],
    path: str,
    here: str,
    component: dict[str, Any],
    terminal: bool,
    index: dict[str, ScreenIndex],
    add: Add,
) -> str | None:
    if terminal and component.get("type") == "Footer":
        add(path, "navigate", "a terminal screen's Footer may not navigate")
    target_spec = action.get("next")
    target = target_spec.get("name") if isinstance(target_spec, dict) else None
    if not isinstance(target, str) or target not in index:
        add(f"{path}.next", "navigate", f"navigates to '{target}', which is not a screen")
        return None
    if target == here:
        add(f"{path}.next", "navigate", "a screen may not navigate to itself")
    payload = action.get("payload")
    if not isinstance(payload, dict):
        add(f"{path}.payload", "navigate-payload", "navigate needs a payload (may be {})")
        return target
    expected = index[target].data
    missing, extra = sorted(expected - set(payload)), sorted(set(payload) - expected)
    if missing or extra:
        detail = ", ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"not declared by {target}: {', '.join(extra)}" if extra else "",
            )
            if part
        )
        add(f"{path}.payload", "navigate-payload", f"payload must match {target}'s data: {detail}")
    if pickers_within(payload, here, index):
        add(f"{path}.payload", "navigate-picker", "picker values may not be sent by navigate")
    return target


def _complete(
    action: dict[str, Any],
    path: str,
    here: str,
    terminal: bool,
    index: dict[str, ScreenIndex],
    add: Add,
) -> None:
    if not terminal:
        add(path, "complete", "only a terminal screen may complete the Flow")
    payload = action.get("payload")
    if not isinstance(payload, dict):
        add(f"{path}.payload", "complete", "complete needs a payload object")
        return
    pickers = 0
    for key, value in payload.items():
        picker = picker_of(value, here, index)
        if picker is None:
            if pickers_within(value, here, index):
                add(f"{path}.payload.{key}", "picker-nested", "a picker value must be top-level")
            continue
        pickers += 1
        kind = str(picker.get("type"))
        most = picker.get(meta.PICKER_MAX_KEY[kind], 30)
        if not isinstance(most, int) or most > 1:
            add(
                f"{path}.payload.{key}",
                "complete-picker-max",
                f"{picker.get('name')} may send {most} files; in a complete payload at most 1",
            )
    if pickers > meta.PICKERS_PER_COMPLETION:
        add(
            f"{path}.payload",
            "completion-pickers",
            f"{pickers} pickers in one completion; at most {meta.PICKERS_PER_COMPLETION}",
        )


def _payload_pickers_top_level(
    action: dict[str, Any], path: str, here: str, index: dict[str, ScreenIndex], add: Add
) -> None:
    payload = action.get("payload")
    if not isinstance(payload, dict):
        return
    for key, value in payload.items():
        if picker_of(value, here, index) is None and pickers_within(value, here, index):
            add(f"{path}.payload.{key}", "picker-nested", "a picker value must be top-level")


def _reachable(screens: list[Any], edges: dict[str, set[str]], add: Add) -> None:
    ids = [s.get("id") if isinstance(s, dict) else None for s in screens]
    if not ids or not isinstance(ids[0], str):
        return
    seen = {ids[0]}
    todo = [ids[0]]
    while todo:
        for target in edges.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    for position, screen_id in enumerate(ids):
        if isinstance(screen_id, str) and screen_id not in seen:
            add(f"screens[{position}].id", "unreachable", f"no way leads to screen '{screen_id}'")
