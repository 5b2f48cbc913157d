"""The engine's public face: the names `app.flows` exports, what the counter may use, and the walk
over a service's items that the chat and the counter's form share."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import app
import app.flows
from app.flows import items_reached
from app.flows.catalog import Service

ROOT = Path(app.__file__).parent
# Sub-packages with faces of their own.
FACES = {"app.flows", "app.flows.catalog", "app.flows.forms"}


def test_the_exported_names_are_pinned() -> None:
    assert sorted(app.flows.__all__) == [
        "Engine",
        "IdentityError",
        "OfficeInfo",
        "RequestSummary",
        "ResidentContext",
        "SUMMARY",
        "StoredDocument",
        "condition_holds",
        "items_reached",
        "nik_warnings",
        "parse_nik",
        "validate",
    ]


def test_each_name_is_the_one_its_module_defines() -> None:
    homes = {name: importlib.import_module(app.flows._HOME[name]) for name in app.flows.__all__}
    assert [
        name
        for name in app.flows.__all__
        if getattr(app.flows, name) is not getattr(homes[name], name)
    ] == []


def test_an_unknown_name_is_an_attribute_error() -> None:
    assert not hasattr(app.flows, "Draft")


def test_the_catalog_loads_without_the_engine() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, app.flows.catalog; print('app.flows.engine' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout == "False\n"


def test_the_counter_uses_only_the_faces() -> None:
    exported = set(app.flows.__all__)
    offenders = []
    for path in sorted((ROOT / "counter").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("app.flows"):
                names = {alias.name for alias in node.names}
                if node.module not in FACES or (node.module == "app.flows" and names - exported):
                    offenders.append(f"{path.name} imports {node.module}: {sorted(names)}")
            elif isinstance(node, ast.Import):
                offenders += [
                    f"{path.name} imports {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("app.flows") and alias.name not in FACES
                ]
    assert offenders == []


def _item(key: str, **extra: Any) -> dict[str, Any]:
    text = {"id": key, "en": key}
    return {"key": key, "label": text, "prompt": text, "validator": "text", **extra}


def _service(fields: list[dict[str, Any]]) -> Service:
    text = {"id": "Contoh", "en": "Example"}
    return Service.model_validate(
        {
            "code": "surat",
            "names": text,
            "summary": text,
            "ticket_prefix": "SRT",
            "office_level": "village",
            "service_days": 2,
            "fee": {"free": True, "note": text},
            "pickup": text,
            "legal_basis": ["Perbup 1/2026"],
            "variants": [{"code": "baru", "title": text}, {"code": "hilang", "title": text}],
            "fields": fields,
        }
    )


def test_the_walk_judges_each_condition_with_the_answers_given_so_far() -> None:
    service = _service(
        [
            _item("alasan"),
            _item("polisi", when={"variant": ["hilang"]}),
            _item("detail", when={"alasan": ["lain"]}),
            _item("akhir", next="summary"),
            _item("tidak_pernah"),
        ]
    )
    answers: dict[str, Any] = {}
    reached = []
    for item in items_reached(service, "baru", answers):
        reached.append(item.key)
        answers[item.key] = "lain"
    assert reached == ["alasan", "detail", "akhir"]
    assert [i.key for i in items_reached(service, "hilang", {"alasan": "x"})] == [
        "alasan",
        "polisi",
        "akhir",
    ]


def test_the_walk_stops_at_the_first_revisit_of_a_loop() -> None:
    service = _service([_item("a"), _item("b", next="a"), _item("c")])
    assert [i.key for i in items_reached(service, None, {})] == ["a", "b"]
