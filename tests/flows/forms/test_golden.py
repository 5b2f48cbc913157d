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


def render(code: str, language: str) -> str:
    # The locker's limits as the publishing code derives them (app/whatsapp_flows/limits.py).
    limits = FormLimits(photo_max_kb=5120, document_max_kb=25600)
    flow = build_flow(shipped_catalog().get(code), language, today=TODAY, limits=limits)
    return json.dumps(flow, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize(("code", "language"), [("ktp", "id"), ("sipi_perpanjangan", "en")])
def test_flow_json_matches_its_golden_file(code: str, language: str, update_golden: bool) -> None:
    path = GOLDEN / f"{code}.{language}.json"
    rendered = render(code, language)
    if update_golden:
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")
