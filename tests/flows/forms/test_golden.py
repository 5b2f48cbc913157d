"""Golden Flow JSON: what two services' forms look like, so any change to them shows in review.

`pytest tests/flows/forms --update-golden` rewrites the files; read the diff before committing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.forms import FormLimits, build_flow

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 22)


def render(code: str, language: str, *, endpoint: bool = False) -> str:
    # The locker's limits as the publishing code derives them (app/whatsapp_flows/limits.py).
    limits = FormLimits(photo_max_kb=5120, document_max_kb=25600)
    service = shipped_catalog().get(code)
    flow = build_flow(service, language, today=TODAY, limits=limits, endpoint=endpoint)
    return json.dumps(flow, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize(
    ("code", "language", "endpoint"),
    [("ktp", "id", False), ("sipi_perpanjangan", "en", False), ("ktp", "id", True)],
)
def test_flow_json_matches_its_golden_file(
    code: str, language: str, endpoint: bool, update_golden: bool
) -> None:
    """The endpoint variant checks the NIK inside the form (identity_check.py)."""
    name = f"{code}.{language}.endpoint.json" if endpoint else f"{code}.{language}.json"
    path = GOLDEN / name
    rendered = render(code, language, endpoint=endpoint)
    if update_golden:
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")
