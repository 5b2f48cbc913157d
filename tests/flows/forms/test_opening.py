"""The data that opens a form covers its first screen's data model exactly: with the endpoint,
a service whose first screen sends the NIK (no variants) also opens with the empty `errors`."""

from __future__ import annotations

from datetime import date

import pytest

from app.flows.catalog import shipped_catalog
from app.flows.forms import build_flow, entry_screen, opening_data, prefill_data

CATALOG = shipped_catalog()


@pytest.mark.parametrize("endpoint", [True, False], ids=["endpoint", "no-endpoint"])
@pytest.mark.parametrize("code", list(CATALOG.services))
def test_the_opening_data_is_the_first_screens_data_model(code: str, endpoint: bool) -> None:
    service = CATALOG.get(code)
    flow = build_flow(service, "id", today=date(2026, 12, 4), endpoint=endpoint)
    [first] = [screen for screen in flow["screens"] if screen["id"] == entry_screen(service)]
    data = opening_data(service, prefill_data(service), endpoint=endpoint)
    assert sorted(data) == sorted(first.get("data", {}))


def test_a_death_report_with_the_endpoint_opens_on_the_nik_screen_with_no_errors() -> None:
    service = CATALOG.get("akta_kematian")
    data = opening_data(service, {"nik": ""}, endpoint=True)
    assert data == {"nik": "", "errors": {}}
    assert opening_data(service, {"nik": ""}, endpoint=False) == {"nik": ""}
