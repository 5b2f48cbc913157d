"""Read service files, report every problem with its file and line, and build the catalog.

A service file may say which version of this format it is written in (`spec_version: 1` as its
first key; the shipped files all do). A file without one is read as version 1, the format before
the key existed; a version this Loket does not know is refused before anything else is read, so a
file written for a newer Loket is never half-understood.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.flows.catalog.rules import Path as NodePath
from app.flows.catalog.rules import service_problems
from app.flows.catalog.schema import VALIDATORS, Service

SHIPPED_DIR = Path(__file__).resolve().parent
PATTERNS = ("*.yaml", "*.yml")
SPEC_VERSION = 1
"""The version of the service file format this Loket reads and writes."""
SPEC_VERSIONS = (1,)
"""Every version this Loket reads."""


@dataclass(frozen=True)
class CatalogError:
    """One problem in a service file; `line` is 1-based (0 when it concerns no line)."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class CatalogInvalid(ValueError):
    """The catalog folder has problems; `errors` lists them all."""

    def __init__(self, errors: list[CatalogError]) -> None:
        super().__init__(str(errors[0]) if errors else "invalid catalog")
        self.errors = errors


@dataclass(frozen=True)
class Catalog:
    """The services residents can request, keyed by code, in menu order."""

    services: dict[str, Service] = field(default_factory=dict)

    def get(self, code: str) -> Service:
        """The service with this code; KeyError when there is none."""
        try:
            return self.services[code]
        except KeyError:
            raise KeyError(f"no service {code!r} in the catalog") from None

    @property
    def ordered(self) -> list[Service]:
        """Services in the order the menu shows them."""
        return list(self.services.values())

    def nik_field_keys(self) -> tuple[str, ...]:
        """Every field key, across services, whose answer is an NIK (searched, matched, masked)."""
        keys = {f.key for s in self.ordered for f in s.fields if f.validator == "nik"}
        return tuple(sorted(keys))


def check_catalog(directory: Path) -> list[CatalogError]:
    """Every problem in the service files of `directory`, in file and line order."""
    return _read(directory)[1]


def load_catalog(directory: Path | None = None) -> Catalog:
    """The catalog in `directory` (None = the one shipped with Loket); raises CatalogInvalid."""
    services, errors = _read(directory or SHIPPED_DIR)
    if errors:
        raise CatalogInvalid(errors)
    ordered = sorted(services, key=lambda service: (service.order, service.code))
    return Catalog({service.code: service for service in ordered})


@cache
def shipped_catalog() -> Catalog:
    """The shipped catalog, read once per process."""
    return load_catalog(SHIPPED_DIR)


def _read(directory: Path) -> tuple[list[Service], list[CatalogError]]:
    if not directory.is_dir():
        return [], [CatalogError(str(directory), 0, "no such directory")]
    files = sorted({path for pattern in PATTERNS for path in directory.glob(pattern)})
    if not files:
        return [], [CatalogError(str(directory), 0, "no service files (*.yaml) in this folder")]
    services: list[Service] = []
    errors: list[CatalogError] = []
    first_seen: dict[str, str] = {}
    for path in files:
        service, problems = _read_file(path)
        errors += problems
        if service is None:
            continue
        if service.code in first_seen:
            line = _code_line(path)
            reason = f"duplicate service code '{service.code}' (also in {first_seen[service.code]})"
            errors.append(CatalogError(path.name, line, reason))
            continue
        first_seen[service.code] = path.name
        services.append(service)
    return services, errors


def _read_file(path: Path) -> tuple[Service | None, list[CatalogError]]:
    name = path.name
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        reason = f"YAML syntax error: {exc.problem}"
        if exc.context and exc.context_mark is not None:
            reason += f" ({exc.context} on line {exc.context_mark.line + 1})"
        return None, [CatalogError(name, line, reason)]
    if root is None or not isinstance(data, dict):
        return None, [CatalogError(name, 1, "a service file must be a mapping of keys")]
    version_problem = _spec_version_problem(data.pop("spec_version", SPEC_VERSION))
    if version_problem is not None:
        return None, [CatalogError(name, _line(root, ("spec_version",)), version_problem)]
    errors = [CatalogError(name, line, reason) for line, reason in _duplicate_keys(root)]
    try:
        service = Service.model_validate(data)
    except ValidationError as exc:
        for detail in exc.errors(include_url=False):
            errors.append(CatalogError(name, _line(root, detail["loc"]), _reason(detail)))
        return None, sorted(errors, key=lambda error: error.line)
    for node_path, reason in service_problems(service):
        errors.append(CatalogError(name, _line(root, node_path), reason))
    if not errors:
        errors += _form_errors(name, root, service)
    errors.sort(key=lambda error: error.line)
    return (None if errors else service), errors


def _spec_version_problem(version: Any) -> str | None:
    """Why this `spec_version` cannot be read, or None when it can."""
    known = ", ".join(str(v) for v in SPEC_VERSIONS)
    if isinstance(version, bool) or not isinstance(version, int):
        return f"spec_version must be a whole number ({known}), not {version!r}"
    if version not in SPEC_VERSIONS:
        return (
            f"unknown spec_version {version}: this Loket reads service files of spec_version "
            f"{known}; write the file for that version or upgrade Loket"
        )
    return None


def _form_errors(name: str, root: yaml.Node, service: Service) -> list[CatalogError]:
    """A service that cannot become a WhatsApp Flow form is an error, unless it says
    `flow: false` (chat only): see app/flows/forms/check.py."""
    # Imported here: the form generator imports the catalog's schema (a cycle at import time).
    from app.flows.forms.check import form_problems

    return [
        CatalogError(
            name,
            _line(root, problem.path),
            f"cannot become a WhatsApp Flow form: {problem.reason} (or set flow: false)",
        )
        for problem in form_problems(service)
    ]


def _reason(detail: ErrorDetails) -> str:
    loc = detail["loc"]
    key = str(loc[-1]) if loc else ""
    kind = detail["type"]
    if kind == "extra_forbidden":
        return f"unknown key '{key}'"
    if kind == "missing":
        return f"missing key '{key}'"
    if kind == "literal_error" and key == "validator":
        expected = ", ".join(VALIDATORS)
        return f"unknown validator '{detail['input']}'; use one of: {expected}"
    if kind == "value_error":  # a rule of the schema itself: its message says it all
        return str(detail["msg"]).removeprefix("Value error, ")
    where = ".".join(str(part) for part in loc)
    return f"{where}: {detail['msg']}"


def _line(root: yaml.Node, path: NodePath | tuple[Any, ...]) -> int:
    """The line of the deepest node of `path` that exists (a missing key: its parent)."""
    node = root
    line = root.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if match is None:
                return line
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _duplicate_keys(node: yaml.Node) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if key.value in seen:
                found.append((key.start_mark.line + 1, f"duplicate key '{key.value}'"))
            seen.add(key.value)
            found += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item)
    return found


def _code_line(path: Path) -> int:
    root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    return _line(root, ("code",)) if root is not None else 0
