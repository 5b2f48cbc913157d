"""Walk a generated Flow the way WhatsApp would, for tests: evaluate its conditions for one
resident's answers and follow the Footers from the first screen to the terminal one."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

BINDING = re.compile(r"\$\{([^}]*)\}")


def evaluate(expression: str, answers: Mapping[str, str], held: Collection[str]) -> bool:
    """An If condition or a backticked expression of the generator, as Python."""

    def value(match: re.Match[str]) -> str:
        parts = match.group(1).split(".")
        scope, name = (parts[2], parts[3]) if parts[0] == "screen" else (parts[0], parts[1])
        if scope == "data":
            return repr(name.removeprefix("held_") in held) if name.startswith("held_") else "''"
        return repr(answers.get(name, ""))

    python = BINDING.sub(value, expression.strip("`"))
    python = python.replace("&&", " and ").replace("||", " or ")
    python = re.sub(r"!(?!=)", " not ", python)
    return bool(eval(python, {"__builtins__": {}}, {}))  # our own generated expressions only


def footer_target(screen: dict[str, Any], answers: Mapping[str, str], held: Collection[str]) -> str:
    for component in screen["layout"]["children"]:
        if component["type"] == "Footer":
            return str(component["on-click-action"]["next"]["name"])
        if component["type"] == "If" and component["then"][0]["type"] == "Footer":
            branch = "then" if evaluate(component["condition"], answers, held) else "else"
            return str(component[branch][0]["on-click-action"]["next"]["name"])
    raise AssertionError(f"screen {screen['id']} has no Footer")


def walk(flow: dict[str, Any], answers: Mapping[str, str], held: Collection[str] = ()) -> list[str]:
    """The ids of the screens a resident with these answers sees, in order."""
    screens = {screen["id"]: screen for screen in flow["screens"]}
    current = flow["screens"][0]
    seen = [current["id"]]
    while not current.get("terminal"):
        current = screens[footer_target(current, answers, held)]
        seen.append(current["id"])
    return seen
