"""The resident actions of bench/flow_actions_bench.py, pinned: a cooperative resident completes
every catalog service by its WhatsApp Flow form, and the counts are exactly what bench/README.md
reports (issue 13, "Figures to reach": lost KTP ≤ 4, every service ≤ 5 by form)."""

from __future__ import annotations

import pytest

from app.flows.catalog import shipped_catalog
from tests.support.engine_data import START
from tests.support.resident_form import REMEMBERED_BOAT, remembered_boat_context, walk_by_form
from tests.support.resident_walk import SCENARIOS

TODAY = START.date()
# (messages, taps, files in chat, entries filled in the form)
SHIPPED = {
    "ktp": (1, 3, 0, 8),
    "kk": (1, 3, 0, 5),
    "akta_kelahiran": (1, 3, 0, 14),
    "akta_kematian": (1, 3, 0, 12),
    "kia": (1, 3, 0, 9),
    "pindah": (1, 3, 0, 10),
    "sipi_perpanjangan": (1, 3, 0, 15),
}
CODES = [scenario.service for scenario in SCENARIOS]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=CODES)
def test_every_service_by_form_takes_four_actions(scenario, make_engine) -> None:
    catalog = shipped_catalog()
    done = walk_by_form(make_engine(catalog), catalog, scenario, today=TODAY)
    assert done.submitted is not None and done.submitted.service == scenario.service
    assert (done.messages, done.taps, done.files, done.entries) == SHIPPED[scenario.service]
    assert done.transcript == [f"type {scenario.opening!r}", "open form", "submit form", "tap yes"]
    assert done.actions == 4


def test_a_lost_ktp_by_form_sends_both_files_to_the_locker(make_engine) -> None:
    catalog = shipped_catalog()
    done = walk_by_form(make_engine(catalog), catalog, SCENARIOS[0], today=TODAY)
    assert done.submitted is not None
    assert (done.submitted.variant, sorted(done.submitted.documents)) == (
        "hilang",
        ["kk", "surat_kehilangan"],
    )


def test_a_renewal_by_form_with_the_boat_remembered_takes_five_actions(make_engine) -> None:
    """Not the target of 3: the form is offered before the memory is, so it opens empty and the
    remembered data is offered again in chat after the submit."""
    catalog = shipped_catalog()
    context = remembered_boat_context()
    done = walk_by_form(
        make_engine(catalog), catalog, REMEMBERED_BOAT, today=TODAY, context=context
    )
    assert done.transcript == [
        "type 'perpanjang sipi KM Bintang Laut'",
        "open form",
        "submit form",
        "tap yes",  # "Pakai data ini?"
        "tap yes",  # the summary
    ]
    assert (done.actions, done.entries, done.prefilled) == (5, 13, [])
    assert done.submitted is not None
    assert done.submitted.documents["bkp"] == ["bkp-bintang"]
