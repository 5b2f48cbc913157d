"""Meta's static rules for Flow JSON, checked without Meta (reference §10.3 and §1–§2).

Meta's own validation on upload (`validation_errors`) stays the authority; this catches what can
be known offline, so a catalog change that breaks a form fails `loket catalog check` instead of
the publishing step. Each issue names its JSON path, a rule id (tests use it) and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.flows.forms import limits as meta
from app.flows.forms.actions import check_actions
from app.flows.forms.bindings import (
    WHOLE_BINDING,
    Ref,
    ScreenIndex,
    index_screen,
    is_dynamic,
    is_expression,
    parse_refs,
    resolve,
    walk_components,
)
from app.flows.forms.components import check_component, too_long
from app.flows.forms.routing_rules import check_routing

SCREEN_ID = re.compile(r"^[A-Za-z_]+$")


@dataclass(frozen=True)
class FlowIssue:
    """One broken rule: where (`screens[1].layout.children[0].label`), which rule, and why."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def validate_flow(flow: Any) -> list[FlowIssue]:
    """Every static rule `flow` breaks, in document order (an empty list: it passes)."""
    return _Validator().run(flow)


class _Validator:
    def __init__(self) -> None:
        self.issues: list[FlowIssue] = []

    def add(self, path: str, rule: str, message: str) -> None:
        self.issues.append(FlowIssue(path, rule, message))

    def run(self, flow: Any) -> list[FlowIssue]:
        if not isinstance(flow, dict):
            self.add("$", "structure", "a Flow JSON must be an object")
            return self.issues
        version = flow.get("version")
        if version not in meta.PUBLISHABLE_VERSIONS:
            supported = ", ".join(sorted(meta.PUBLISHABLE_VERSIONS))
            self.add("version", "version", f"version {version!r} cannot be published ({supported})")
        self._no_empty_strings(flow, "$")
        screens = flow.get("screens")
        if not isinstance(screens, list) or not screens:
            self.add("screens", "structure", "a Flow needs a non-empty list of screens")
            return self.issues
        index = self._index(screens)
        for position, screen in enumerate(screens):
            if isinstance(screen, dict):
                self._screen(screen, f"screens[{position}]", index)
        routing = flow.get("routing_model")
        edges = check_actions(
            screens, index, self.add, routing if isinstance(routing, dict) else None
        )
        check_routing(flow, screens, index, edges, self.add)
        if not any(item.terminal for item in index.values()):
            self.add("screens", "terminal", "no screen is terminal: the Flow can never complete")
        return self.issues

    def _no_empty_strings(self, value: Any, path: str) -> None:
        if isinstance(value, str) and not value.strip():
            self.add(path, "empty-string", "empty or blank strings are not allowed (6.0+)")
        elif isinstance(value, dict):
            for key, item in value.items():
                self._no_empty_strings(item, f"{path}.{key}")
        elif isinstance(value, list):
            for position, item in enumerate(value):
                self._no_empty_strings(item, f"{path}[{position}]")

    def _index(self, screens: list[Any]) -> dict[str, ScreenIndex]:
        index: dict[str, ScreenIndex] = {}
        for position, screen in enumerate(screens):
            path = f"screens[{position}].id"
            screen_id = screen.get("id") if isinstance(screen, dict) else None
            if not isinstance(screen_id, str):
                self.add(path, "screen-id", "a screen needs a string id")
                continue
            if screen_id in index:
                self.add(path, "duplicate-screen", f"screen id '{screen_id}' is used twice")
            if screen_id == meta.RESERVED_SCREEN_ID:
                self.add(path, "reserved-screen", "SUCCESS is reserved and cannot be a screen id")
            if not SCREEN_ID.match(screen_id):
                self.add(path, "screen-id", f"screen id '{screen_id}' may hold only letters and _")
            index.setdefault(screen_id, index_screen(screen))
        return index

    def _screen(self, screen: dict[str, Any], path: str, index: dict[str, ScreenIndex]) -> None:
        here = str(screen.get("id"))
        title = screen.get("title")
        if isinstance(title, str) and not is_dynamic(title) and len(title) > meta.SCREEN_TITLE:
            too_long(self.add, f"{path}.title", "title", title, meta.SCREEN_TITLE)
        self._data_model(screen.get("data"), f"{path}.data")
        layout = screen.get("layout")
        children = layout.get("children") if isinstance(layout, dict) else None
        if not isinstance(children, list):
            self.add(f"{path}.layout", "structure", "a screen needs layout.children")
            return
        self._counts(children, f"{path}.layout.children", screen.get("terminal") is True)
        self._components(children, f"{path}.layout.children", 0, in_conditional=False)
        for name in screen.get("sensitive") or []:
            if name not in index[here].inputs:
                self.add(f"{path}.sensitive", "sensitive", f"'{name}' is not an input here")
        self._bindings(screen, path, here, index)

    def _data_model(self, data: Any, path: str) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            self.add(path, "structure", "a screen's data must be an object")
            return
        for key, spec in data.items():
            if not isinstance(spec, dict) or "__example__" not in spec:
                self.add(f"{path}.{key}", "example", f"data field '{key}' needs an __example__")
                continue
            for inner_key, inner in spec.items():
                if inner_key != "__example__" and _has_example(inner):
                    self.add(
                        f"{path}.{key}.{inner_key}",
                        "example",
                        "__example__ is allowed only on top-level data fields",
                    )

    def _counts(self, children: list[Any], path: str, terminal: bool) -> None:
        found = list(walk_components(children))
        kinds = [component.get("type") for component, _ in found]
        if len(found) > meta.COMPONENTS_PER_SCREEN:
            self.add(path, "component-count", f"{len(found)} components; at most 50 per screen")
        pickers = {kind for kind in kinds if kind in meta.PICKERS}
        if sum(kind in meta.PICKERS for kind in kinds) > meta.PICKERS_PER_SCREEN:
            message = "at most one PhotoPicker or DocumentPicker per screen"
            if len(pickers) > 1:
                message = "a screen may not hold both a PhotoPicker and a DocumentPicker"
            self.add(path, "picker-count", message)
        for kind, most in (
            ("OptIn", meta.OPTINS_PER_SCREEN),
            ("EmbeddedLink", meta.EMBEDDED_LINKS_PER_SCREEN),
            ("Image", meta.IMAGES_PER_SCREEN),
        ):
            if kinds.count(kind) > most:
                self.add(path, "component-count", f"at most {most} {kind} per screen")
        self._footers(children, path, terminal)

    def _footers(self, children: list[Any], path: str, terminal: bool) -> None:
        top = _direct_footers(children)
        branched = in_branches = 0
        for position, component in enumerate(children):
            if not isinstance(component, dict) or component.get("type") != "If":
                continue
            then, other = (_direct_footers(component.get(b)) for b in ("then", "else"))
            in_branches += then + other
            if then or other:
                branched += 1
                where = f"{path}[{position}]"
                if then != other:
                    self.add(where, "footer", "a Footer inside an If must be in both branches")
                if max(then, other) > 1:
                    self.add(where, "footer", "at most one Footer per screen")
        deeper = sum(
            1 for c, depth in walk_components(children) if c.get("type") == "Footer" and depth
        )
        if deeper > in_branches:
            self.add(path, "footer", "a Footer may sit only directly in a first-level If")
        if top + branched > meta.FOOTERS_PER_SCREEN:
            self.add(path, "footer", "at most one Footer per screen")
        if terminal and top + branched == 0:
            self.add(path, "terminal", "a terminal screen needs a Footer")

    def _components(self, children: Any, path: str, depth: int, *, in_conditional: bool) -> None:
        if not isinstance(children, list):
            return
        names: set[str] = set()
        for position, component in enumerate(children):
            where = f"{path}[{position}]"
            if not isinstance(component, dict):
                self.add(where, "structure", "a component must be an object")
                continue
            kind = component.get("type")
            name = component.get("name")
            if isinstance(name, str) and kind in meta.INPUTS:
                if name in names:
                    self.add(f"{where}.name", "duplicate-name", f"name '{name}' is used twice")
                names.add(name)
            if in_conditional and kind not in meta.CONDITIONAL_CHILDREN:
                self.add(where, "conditional-child", f"{kind} cannot sit inside If or Switch")
            check_component(component, where, self.add)
            if kind == "If":
                if depth + 1 > meta.IF_DEPTH:
                    self.add(where, "if", f"If may be nested at most {meta.IF_DEPTH} levels")
                self._if(component, where)
            if kind in ("If", "Switch"):
                for branch in ("then", "else"):
                    self._components(
                        component.get(branch), f"{where}.{branch}", depth + 1, in_conditional=True
                    )
                for case, items in (component.get("cases") or {}).items():
                    self._components(items, f"{where}.cases.{case}", depth + 1, in_conditional=True)

    def _if(self, component: dict[str, Any], where: str) -> None:
        condition = component.get("condition")
        if not isinstance(condition, str) or "${" not in condition:
            self.add(f"{where}.condition", "if", "an If condition must use at least one ${...}")
        then = component.get("then")
        if not isinstance(then, list) or not then:
            self.add(f"{where}.then", "if", "an If needs a non-empty then")

    def _bindings(
        self, screen: dict[str, Any], path: str, here: str, index: dict[str, ScreenIndex]
    ) -> None:
        for where, text in _strings({k: v for k, v in screen.items() if k != "data"}, path):
            # An If condition is an expression by itself; elsewhere text and a binding mix only
            # inside backticks.
            mixed = not is_expression(text) and not WHOLE_BINDING.match(text)
            if "${" in text and mixed and not where.endswith(".condition"):
                self.add(where, "binding", "text and a binding cannot be mixed outside `...`")
            for ref in parse_refs(text):
                if not isinstance(ref, Ref):
                    self.add(where, "binding", f"{ref} is not a binding WhatsApp knows")
                    continue
                reason = resolve(ref, here, index)
                if reason is not None:
                    self.add(where, "binding", f"{_show(ref)} {reason}")


def _direct_footers(children: Any) -> int:
    if not isinstance(children, list):
        return 0
    return sum(1 for c in children if isinstance(c, dict) and c.get("type") == "Footer")


def _has_example(value: Any) -> bool:
    if isinstance(value, dict):
        return "__example__" in value or any(_has_example(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_example(item) for item in value)
    return False


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in _strings(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [pair for i, item in enumerate(value) for pair in _strings(item, f"{path}[{i}]")]
    return []


def _show(ref: Ref) -> str:
    if ref.screen is None:
        return f"${{{ref.scope}.{ref.name}}}"
    return f"${{screen.{ref.screen}.{ref.scope}.{ref.name}}}"
